import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SandboxOrg, type TestSandbox, startTestSandbox } from '../helpers/sandbox-client.js';

let test: TestSandbox;
let org: SandboxOrg;
let token: string;

beforeEach(async () => {
  test = await startTestSandbox();
  org = await test.createOrg({ name: 'Limited', limits: { credits_per_day: 5, concurrency: 1 } });
  token = (await test.token(org)).access_token;
});

afterEach(async () => {
  await test.stop();
});

async function usage() {
  return (await test.admin<{ credits_used: number; in_flight: number; credits_per_day: number }>('GET', `/sandbox/orgs/${org.org_id}/usage`)).body;
}

describe('API limits', () => {
  it('spends credits per call (writes 1 per 10 records) and answers 429 when the day is spent', async () => {
    expect((await test.crm(token, 'GET', '/org')).status).toBe(200);
    const twelve = Array.from({ length: 12 }, (_, i) => ({ Last_Name: `C${i}` }));
    expect((await test.crm(token, 'POST', '/Contacts', { data: twelve })).status).toBe(201);
    expect((await usage()).credits_used).toBe(3);
    const tight = await test.crm(token, 'GET', '/org');
    expect(tight.headers.get('x-api-credits-remaining')).toBe('1');
    expect((await test.crm(token, 'GET', '/org')).status).toBe(200);
    const refused = await test.crm(token, 'GET', '/org');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toBe('application/json;charset=UTF-8');
    expect(refused.body).toEqual({ code: 'TOO_MANY_REQUESTS', details: {}, message: 'too many requests. please try again after some time', status: 'error' });
    // Refused calls cost nothing, and the window rolls.
    expect((await usage()).credits_used).toBe(5);
    test.clock.advance(24 * 60 * 60 * 1000);
    await test.token(org).then((fresh) => (token = fresh.access_token));
    expect((await test.crm(token, 'GET', '/org')).status).toBe(200);
  });

  it('answers 429 past the concurrency limit', async () => {
    await test.admin('POST', '/sandbox/faults', { method: 'GET', path: '/crm/v8/users', delay_ms: 30_000 });
    const slow = test.crm(token, 'GET', '/users');
    while ((await usage()).in_flight === 0) {
      // The held request is admitted before its delay starts; wait until the sandbox counts it.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const second = await test.crm(token, 'GET', '/org');
    expect(second.status).toBe(429);
    expect(second.body.code).toBe('TOO_MANY_REQUESTS');
    await test.admin('DELETE', '/sandbox/faults');
    expect((await slow).status).toBe(200);
    expect((await usage()).in_flight).toBe(0);
    expect((await test.crm(token, 'GET', '/org')).status).toBe(200);
  });

  it('changes limits through the admin API', async () => {
    const changed = await test.admin<{ credits_per_day: number; concurrency_limit: number }>('PATCH', `/sandbox/orgs/${org.org_id}/limits`, { credits_per_day: 50_000, concurrency: 15 });
    expect(changed.body).toMatchObject({ credits_per_day: 50_000, concurrency_limit: 15 });
  });
});

describe('fault injection', () => {
  it('answers an injected status for the next N matching requests only', async () => {
    const added = await test.admin<{ id: number }>('POST', '/sandbox/faults', { method: 'GET', path: '/crm/v8/Contacts*', status: 500, count: 2 });
    expect(added.status).toBe(201);
    expect((await test.crm(token, 'GET', '/org')).status).toBe(200);
    const first = await test.crm(token, 'GET', '/Contacts?fields=Last_Name');
    expect(first.status).toBe(500);
    expect(first.body).toMatchObject({ code: 'INTERNAL_ERROR', status: 'error' });
    expect((await test.crm(token, 'GET', '/Contacts?fields=Last_Name')).status).toBe(500);
    expect((await test.crm(token, 'GET', '/Contacts?fields=Last_Name')).status).toBe(204);
  });

  it('injects 429 with Zoho\'s body, a custom body, and nothing once cleared', async () => {
    await test.admin('POST', '/sandbox/faults', { path: '/crm/v8/org', status: 429 });
    const limited = await test.crm(token, 'GET', '/org');
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('TOO_MANY_REQUESTS');
    await test.admin('POST', '/sandbox/faults', { path: '/oauth/v2/token', status: 503, body: { error: 'maintenance' } });
    const maintenance = await fetch(`${test.url}/oauth/v2/token`, { method: 'POST' });
    expect(maintenance.status).toBe(503);
    expect(await maintenance.json()).toEqual({ error: 'maintenance' });
    await test.admin('POST', '/sandbox/faults', { path: '/crm/v8/org', status: 500, count: 5 });
    expect((await test.admin<{ faults: unknown[] }>('GET', '/sandbox/faults')).body.faults).toHaveLength(1);
    await test.admin('DELETE', '/sandbox/faults');
    expect((await test.crm(token, 'GET', '/org')).status).toBe(200);
  });

  it('drops the connection, and a dropped write changes nothing', async () => {
    await test.admin('POST', '/sandbox/faults', { method: 'POST', path: '/crm/v8/Contacts', drop: true });
    await expect(test.crm(token, 'POST', '/Contacts', { data: [{ Last_Name: 'Lost' }] })).rejects.toThrow();
    expect((await test.crm(token, 'GET', '/Contacts?fields=Last_Name')).status).toBe(204);
  });

  it('delays a response and then answers normally', async () => {
    await test.admin('POST', '/sandbox/faults', { path: '/crm/v8/org', delay_ms: 50 });
    const started = performance.now();
    const response = await test.crm(token, 'GET', '/org');
    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
  });
});
