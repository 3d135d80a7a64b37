import { afterEach, describe, expect, it } from 'vitest';
import { type TestBackend, authorizeInBrowser, startTestBackend } from '../helpers/backend-harness.js';
import { connectOrg } from '../helpers/connected-org.js';

let backend: TestBackend | undefined;

afterEach(async () => {
  await backend?.stop();
  backend = undefined;
});

/** Runs `count` requests, `parallel` at a time; answers the status codes seen and how often. */
async function flood(count: number, parallel: number, request: (index: number) => Promise<Response>): Promise<Record<number, number>> {
  const statuses: Record<number, number> = {};
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) {
        const index = next++;
        const response = await request(index);
        await response.body?.cancel();
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      }
    }),
  );
  return statuses;
}

const ADMIN_ORIGIN = 'https://salesassist-ext.zappscontents.com';

describe('rate limits and the share of sign-ins kept for an org', () => {
  it('2,000 starts from one address are cut at the per-client limit; the real admin, elsewhere, signs in', async () => {
    backend = await startTestBackend({ env: { RATE_LIMIT_OAUTH: '30', TRUST_PROXY: 'true' } });
    const org = await connectOrg(backend, {}, ADMIN_ORIGIN);
    const started = Date.now();
    const statuses = await flood(2_000, 50, () => fetch(`${backend!.url}/oauth/zoho/start`, { redirect: 'manual', headers: { 'x-forwarded-for': '203.0.113.7' } }));
    console.log(`flood from one address: ${JSON.stringify(statuses)} in ${Date.now() - started} ms`);
    expect(statuses[302]).toBeLessThanOrEqual(30);
    expect(statuses[429]).toBeGreaterThanOrEqual(1_970);
    const limited = await fetch(`${backend.url}/oauth/zoho/start`, { redirect: 'manual', headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
    expect(await limited.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    // The administrator, from another address, signs in as usual.
    const signedIn = await authorizeInBrowser(backend, { userEmail: org.zoho.admin.email, startQuery: `?purpose=admin&origin=${encodeURIComponent(ADMIN_ORIGIN)}` });
    expect(signedIn.status).toBe(200);
    expect(signedIn.html).toContain('salesassist:admin-session');
  }, 120_000);

  it('2,000 starts from 2,000 addresses fill only the anonymous share; a sign-in with a ticket from the settings tab still goes through', async () => {
    // 1,000 live sign-ins (OAUTH_LIVE_STATES; 10,000 by default), 800 of them for anonymous starts.
    backend = await startTestBackend({ env: { RATE_LIMIT_OAUTH: '30', TRUST_PROXY: 'true', OAUTH_LIVE_STATES: '1000' } });
    const org = await connectOrg(backend, {}, ADMIN_ORIGIN);
    const statuses = await flood(2_000, 50, (index) => fetch(`${backend!.url}/oauth/zoho/start`, { redirect: 'manual', headers: { 'x-forwarded-for': `198.18.${index >> 8}.${index & 255}` } }));
    console.log(`flood from 2,000 addresses: ${JSON.stringify(statuses)}`);
    expect(statuses[302]).toBe(800);
    expect(statuses[503]).toBe(1_200);
    // Without a ticket, even the admin waits: the anonymous share is full.
    const anonymous = await fetch(`${backend.url}/oauth/zoho/start?purpose=admin&origin=${encodeURIComponent(ADMIN_ORIGIN)}`, { redirect: 'manual', headers: { 'x-forwarded-for': '192.0.2.10' } });
    expect(anonymous.status).toBe(503);
    // The settings tab asks for a ticket with its widget key, and the sign-in uses the org's share.
    const ticket = await org.api('POST', '/sign-in-ticket');
    expect(ticket.status).toBe(200);
    const value = String((ticket.body as { ticket: string }).ticket);
    const signedIn = await authorizeInBrowser(backend, { userEmail: org.zoho.admin.email, startQuery: `?purpose=admin&origin=${encodeURIComponent(ADMIN_ORIGIN)}&ticket=${encodeURIComponent(value)}` });
    expect(signedIn.status).toBe(200);
    expect(signedIn.html).toContain('salesassist:admin-session');
    // A forged or expired ticket is no ticket.
    const forged = await fetch(`${backend.url}/oauth/zoho/start?purpose=admin&origin=${encodeURIComponent(ADMIN_ORIGIN)}&ticket=${encodeURIComponent(`${value}x`)}`, { redirect: 'manual' });
    expect(forged.status).toBe(503);
    backend.sandbox.clock.advance(3 * 60 * 1000);
    const expired = await fetch(`${backend.url}/oauth/zoho/start?purpose=admin&origin=${encodeURIComponent(ADMIN_ORIGIN)}&ticket=${encodeURIComponent(value)}`, { redirect: 'manual' });
    expect(expired.status).toBe(503);
  }, 180_000);

  it('the inbound webhook, the unsubscribe links and the API answer 429 past their per-client limits', async () => {
    backend = await startTestBackend({ env: { RATE_LIMIT_WEBHOOK: '5', RATE_LIMIT_UNSUBSCRIBE: '5', RATE_LIMIT_API: '5', INBOUND_WEBHOOK_TOKEN: 'inbound-webhook-token-for-tests-0123456789' } });
    const org = await connectOrg(backend);
    const codes = async (request: () => Promise<Response>) => {
      const seen: number[] = [];
      for (let index = 0; index < 7; index += 1) {
        const response = await request();
        await response.body?.cancel();
        seen.push(response.status);
      }
      return seen;
    };
    const webhook = await codes(() => fetch(`${backend!.url}/webhooks/inbound`, { method: 'POST', headers: { authorization: 'Bearer inbound-webhook-token-for-tests-0123456789' }, body: 'not mail' }));
    expect(webhook.slice(5)).toEqual([429, 429]);
    expect(webhook.slice(0, 5).every((status) => status !== 429)).toBe(true);
    const unsubscribe = await codes(() => fetch(`${backend!.url}/unsubscribe/nope`));
    expect(unsubscribe.slice(5)).toEqual([429, 429]);
    const api = await codes(() => fetch(`${backend!.url}/api/crm-details`, { headers: { authorization: `Bearer ${org.widgetKey}` } }));
    expect(api.slice(0, 5).every((status) => status === 200)).toBe(true);
    expect(api.slice(5)).toEqual([429, 429]);
  }, 60_000);
});
