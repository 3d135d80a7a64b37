import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getOrg } from '../../server/src/db/orgs.js';
import type { OrgConnection } from '../../server/src/zoho/gateway.js';
import { ZohoApiError, ZohoAuthorizationError, ZohoRateLimitedError, ZohoRequestError, ZohoUnavailableError } from '../../server/src/zoho/errors.js';
import { buildGatewayStack, connectDirectly } from '../helpers/gateway-harness.js';
import { type SandboxOrg, type TestSandbox, startTestSandbox } from '../helpers/sandbox-client.js';

let test: TestSandbox;
let client: { client_id: string; client_secret: string };
let stack: Awaited<ReturnType<typeof buildGatewayStack>>;
let orgA: SandboxOrg;
let orgB: SandboxOrg;
let a: OrgConnection;
let b: OrgConnection;

beforeAll(async () => {
  test = await startTestSandbox();
  client = (await test.admin<{ client_id: string; client_secret: string }>('POST', '/sandbox/clients', { name: 'Backend', redirect_uris: ['http://127.0.0.1:1/cb'] })).body;
  orgA = await test.createOrg({ name: 'Alpha Org', client_id: client.client_id, extension_fields: true });
  orgB = await test.createOrg({ name: 'Beta Org', dc: 'eu', client_id: client.client_id });
  stack = await buildGatewayStack({ clock: test.clock, clientId: client.client_id, clientSecret: client.client_secret });
  a = await connectDirectly(test, stack, orgA, test.clock);
  b = await connectDirectly(test, stack, orgB, test.clock);
});

afterAll(async () => {
  await stack?.close();
  await test?.stop();
});

describe('Zoho gateway over the SDK in worker threads', () => {
  it('reads users, org and field metadata in our own types', async () => {
    const me = await stack.gateway.currentUser(a);
    expect(me).toMatchObject({ email: orgA.admin.email, isAdmin: true, status: 'active' });
    expect((await stack.gateway.getOrg(a)).zgid).toBe(orgA.org_id);
    expect((await stack.gateway.getOrg(b)).zgid).toBe(orgB.org_id);
    const fields = await stack.gateway.listFields(a, 'Contacts');
    expect(fields.find((field) => field.label === '7Targets Context')).toMatchObject({ dataType: 'text', custom: true });
    expect(fields.find((field) => field.apiName === 'Owner')?.dataType).toBe('ownerlookup');
  });

  it('creates fields, reads variables back and answers COQL rows as plain JSON', async () => {
    const ids = await stack.gateway.createFields(b, 'Leads', [
      { label: '7Targets Context', dataType: 'text', length: 255 },
      { label: '7Targets Lead Connection Status', dataType: 'picklist', picklistValues: ['-None-', 'New', 'Engaged'] },
    ]);
    expect(ids).toHaveLength(2);
    expect(ids.every((id) => /^\d+$/.test(id))).toBe(true);
    expect(await stack.gateway.getVariable(b, 'salesassist__Widget_Key')).toBeNull();
    await stack.gateway.setVariable(b, { apiName: 'salesassist__Widget_Key', name: 'Widget Key', value: 'first' });
    await stack.gateway.setVariable(b, { apiName: 'salesassist__Widget_Key', name: 'Widget Key', value: 'second' });
    expect(await stack.gateway.getVariable(b, 'salesassist__Widget_Key')).toBe('second');
    const token = (await test.token(orgA)).access_token;
    await test.crm(token, 'POST', '/Contacts', { data: [{ Last_Name: 'Rowed', Email: 'r@alpha.test' }] });
    const rows = await stack.gateway.coql(a, "select Last_Name, Owner from Contacts where Email = 'r@alpha.test'");
    expect(rows).toEqual([{ Last_Name: 'Rowed', Owner: { id: orgA.admin.id }, id: expect.stringMatching(/^\d+$/) }]);
  });

  it('writes in batches of at most 100: 250 notes take 3 calls', async () => {
    const token = (await test.token(orgA)).access_token;
    const created = await test.crm(token, 'POST', '/Leads', { data: [{ Last_Name: 'Noted', Company: 'Co' }] });
    const recordId = created.body.data[0].details.id as string;
    const before = (await test.admin<{ credits_used: number }>('GET', `/sandbox/orgs/${orgA.org_id}/usage`)).body.credits_used;
    const notes = Array.from({ length: 250 }, (_, index) => ({ module: 'Leads', recordId, title: `Email ${index + 1}`, content: `Sent email ${index + 1}` }));
    const ids = (await stack.gateway.createNotes(a, notes)).map((result) => result.id);
    expect(ids).toHaveLength(250);
    expect(new Set(ids).size).toBe(250);
    const after = (await test.admin<{ credits_used: number }>('GET', `/sandbox/orgs/${orgA.org_id}/usage`)).body.credits_used;
    // 100 + 100 + 50 notes: 10 + 10 + 5 credits, three calls.
    expect(after - before).toBe(25);
    const listed = await test.crm(token, 'GET', `/Leads/${recordId}/Notes?per_page=200`);
    expect(listed.body.info.more_records).toBe(true);
    expect(listed.body.data[0].Note_Title).toBe('Email 1');
  });

  it('maps Zoho errors: API errors, 429, 5xx and a refused refresh token', async () => {
    await expect(stack.gateway.coql(a, 'select Last_Name from Contacts')).rejects.toBeInstanceOf(ZohoApiError);
    // The SDK's HTTP client (got) retries a failed GET twice, so a fault must outlast three tries.
    await test.admin('POST', '/sandbox/faults', { path: '/crm/v8/org', status: 429, count: 3 });
    await expect(stack.gateway.getOrg(a)).rejects.toBeInstanceOf(ZohoRateLimitedError);
    await test.admin('POST', '/sandbox/faults', { path: '/crm/v8/org', status: 500, count: 3 });
    await expect(stack.gateway.getOrg(a)).rejects.toBeInstanceOf(ZohoUnavailableError);
    await test.admin('DELETE', '/sandbox/faults');
    expect((await stack.gateway.getOrg(a)).zgid).toBe(orgA.org_id);
  });

  it('refreshes an expired access token once, even for many concurrent calls', async () => {
    const refresh = vi.spyOn(stack.oauth, 'refresh');
    test.clock.advance(61 * 60 * 1000);
    const results = await Promise.all(Array.from({ length: 20 }, (_, index) => stack.gateway.getOrg(index % 2 === 0 ? a : b)));
    expect(results.map((org) => org.zgid)).toEqual(Array.from({ length: 20 }, (_, index) => (index % 2 === 0 ? orgA.org_id : orgB.org_id)));
    expect((await stack.vault.load(a.orgId))!.accessExpiresAt).toBe(test.clock.now() + 60 * 60 * 1000);
    // One refresh per org for twenty calls.
    expect(refresh).toHaveBeenCalledTimes(2);
    refresh.mockRestore();
  });

  it('keeps 1,000 interleaved calls of two orgs apart inside one SDK instance', async () => {
    // One worker: both orgs share the SDK instance, so every call switches orgs.
    const single = await buildGatewayStack({ clock: test.clock, clientId: client.client_id, clientSecret: client.client_secret, workers: 1, db: stack.db });
    try {
      const calls = Array.from({ length: 1000 }, (_, index) => (index % 2 === 0 ? a : b));
      const results = await Promise.all(calls.map((org) => single.gateway.getOrg(org).then((info) => [org, info.zgid] as const)));
      const wrong = results.filter(([org, zgid]) => zgid !== (org === a ? orgA.org_id : orgB.org_id));
      expect(wrong).toEqual([]);
      expect(results).toHaveLength(1000);
    } finally {
      await single.close();
    }
  });

  it('abandons a call that overruns its timeout, replaces the worker, and carries on', async () => {
    const quick = await buildGatewayStack({ clock: test.clock, clientId: client.client_id, clientSecret: client.client_secret, workers: 1, callTimeoutMs: 3_000, db: stack.db });
    try {
      await test.admin('POST', '/sandbox/faults', { path: '/crm/v8/org', delay_ms: 10_000, count: 1 });
      const stuck = quick.gateway.getOrg(a);
      const queued = quick.gateway.getOrg(b);
      await expect(stuck).rejects.toBeInstanceOf(ZohoUnavailableError);
      expect((await queued).zgid).toBe(orgB.org_id);
      expect((await quick.gateway.getOrg(a)).zgid).toBe(orgA.org_id);
    } finally {
      await test.admin('DELETE', '/sandbox/faults');
      await quick.close();
    }
  });

  it('refuses bad input before it reaches Zoho, as a permanent error', async () => {
    await expect(stack.gateway.createNotes(a, [{ module: 'Leads', recordId: 'not-a-number', title: 't', content: 'c' }])).rejects.toBeInstanceOf(ZohoRequestError);
    const [missing] = await stack.gateway.createNotes(a, [{ module: 'Leads', recordId: '5725700000000999999', title: 't', content: 'c' }]);
    expect(missing).toMatchObject({ ok: false, code: 'INVALID_DATA' });
  });

  it('marks an org whose refresh token Zoho refuses, and stops calling for it', async () => {
    const refresh = (await stack.vault.refreshTokenOf(b.orgId))!;
    await fetch(`${orgB.accounts_server}/oauth/v2/token/revoke?token=${encodeURIComponent(refresh)}`, { method: 'POST' });
    test.clock.advance(61 * 60 * 1000);
    await expect(stack.gateway.getOrg(b)).rejects.toBeInstanceOf(ZohoAuthorizationError);
    expect((await getOrg(stack.db, b.orgId))?.status).toBe('authorization_expired');
    await expect(stack.gateway.getOrg(b)).rejects.toBeInstanceOf(ZohoAuthorizationError);
    expect((await stack.gateway.getOrg(a)).zgid).toBe(orgA.org_id);
  });
});

describe('record operations', () => {
  it('reads a record and its owner history, updates Owner and a picklist, lists notes', async () => {
    const token = (await test.token(orgA)).access_token;
    const users = await stack.gateway.listUsers(a, 'AllUsers');
    const admin = users.find((user) => user.isAdmin)!;
    const rep = await test.admin<{ id: string }>('POST', `/sandbox/orgs/${orgA.org_id}/users`, { first_name: 'Rex', last_name: 'Rep', email: 'rex@alpha.test' });
    const created = await test.crm(token, 'POST', '/Contacts', { data: [{ Last_Name: 'Owned', Email: 'o@alpha.test' }] });
    const id = created.body.data[0].details.id as string;
    await test.crm(token, 'PUT', `/Contacts/${id}`, { data: [{ Owner: { id: rep.body.id } }] });

    const record = await stack.gateway.getRecord(a, 'Contacts', id);
    expect(record).toMatchObject({ id, Last_Name: 'Owned', Email: 'o@alpha.test', Owner: { id: rep.body.id, name: 'Rex Rep' } });
    expect(await stack.gateway.getRecord(a, 'Contacts', '5725700000000999999')).toBeNull();
    expect(await stack.gateway.ownerHistory(a, 'Contacts', id)).toEqual([expect.objectContaining({ from: admin.fullName, to: 'Rex Rep', byUserId: admin.id })]);

    const status = (await stack.gateway.listFields(a, 'Contacts')).find((field) => field.label === '7Targets Lead Connection Status')!;
    const results = await stack.gateway.updateRecords(a, 'Contacts', [
      { id, values: { Owner: admin.id, [status.apiName]: 'Engaged' } },
      { id: '5725700000000999999', values: { Title: 'Nobody' } },
    ]);
    expect(results.map((result) => [result.ok, result.code])).toEqual([
      [true, 'SUCCESS'],
      [false, 'INVALID_DATA'],
    ]);
    const after = await stack.gateway.getRecord(a, 'Contacts', id, ['Owner', status.apiName]);
    expect(after).toMatchObject({ Owner: { id: admin.id }, [status.apiName]: 'Engaged' });

    await stack.gateway.createNotes(a, [{ module: 'Contacts', recordId: id, title: 'Hello', content: 'First [ref:abc]' }]);
    expect(await stack.gateway.listNotes(a, 'Contacts', id)).toEqual([expect.objectContaining({ title: 'Hello', content: 'First [ref:abc]' })]);
  });
});
