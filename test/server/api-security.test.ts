import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type TestBackend, signInAsAdmin, startTestBackend } from '../helpers/backend-harness.js';
import { type ConnectedOrg, connectOrg } from '../helpers/connected-org.js';
import { createApp } from '../../server/src/app.js';
import { createLead } from '../../server/src/db/leads.js';
import { row, rows, value } from '../helpers/store.js';

/** Every /api route refuses callers without the right key, or without Zoho admin rights for admin actions. */

let backend: TestBackend;
let orgA: ConnectedOrg;
let orgB: ConnectedOrg;
let assistantId: string;
let sequenceId: string;

const assistant = { name: 'Nova', mailbox_email: 'nova@a.test', default_context: 'Energy savings for manufacturers.' };
const sequence = { name: 'Short', steps: [{ after_days: 0 }] };

interface Route {
  method: string;
  /** The route as Hono registers it, for the completeness check. */
  pattern: string;
  path: () => string;
  body?: unknown;
  admin: boolean;
  /** Names a resource of org A: another org gets 404. */
  owned?: boolean;
}

let leadId: string;
let inboundId: number;
let segmentId: string;
const record = '5725713000000009999';

const route = (method: string, pattern: string, path: () => string, admin: boolean, extra: Partial<Route> = {}): Route => ({ method, pattern, path, admin, ...extra });

/** Every /api route: the completeness test fails when a new route is not listed here. */
const routes: Route[] = [
  route('GET', '/api/crm-details', () => '/crm-details', false),
  route('POST', '/api/crm-details/refresh', () => '/crm-details/refresh', true),
  route('GET', '/api/org', () => '/org', false),
  route('POST', '/api/org/setup', () => '/org/setup', true),
  route('POST', '/api/org/widget-key/rotate', () => '/org/widget-key/rotate', true),
  route('POST', '/api/org/disconnect', () => '/org/disconnect', true),
  route('GET', '/api/assistants', () => '/assistants', false),
  route('POST', '/api/assistants', () => '/assistants', true, { body: { ...assistant, mailbox_email: 'other@a.test' } }),
  route('GET', '/api/assistants/:id', () => `/assistants/${assistantId}`, false, { owned: true }),
  route('PUT', '/api/assistants/:id', () => `/assistants/${assistantId}`, true, { body: { ...assistant, name: 'Changed' }, owned: true }),
  route('POST', '/api/assistants/:id/archive', () => `/assistants/${assistantId}/archive`, true, { owned: true }),
  route('POST', '/api/assistants/:id/unarchive', () => `/assistants/${assistantId}/unarchive`, true, { owned: true }),
  route('DELETE', '/api/assistants/:id', () => `/assistants/${assistantId}`, true, { owned: true }),
  route('GET', '/api/sequences', () => '/sequences', false),
  route('POST', '/api/sequences', () => '/sequences', true, { body: { ...sequence, name: 'Another' } }),
  route('POST', '/api/sequences/preview', () => '/sequences/preview', true, { body: { step: { after_days: 0 }, step_index: 0, steps_total: 1 } }),
  route('GET', '/api/sequences/:id', () => `/sequences/${sequenceId}`, false, { owned: true }),
  route('PUT', '/api/sequences/:id', () => `/sequences/${sequenceId}`, true, { body: { ...sequence, name: 'Changed' }, owned: true }),
  route('DELETE', '/api/sequences/:id', () => `/sequences/${sequenceId}`, true, { owned: true }),
  route('GET', '/api/leads', () => '/leads', false),
  route('GET', '/api/send-plan', () => '/send-plan?days=14', false),
  route('GET', '/api/drafts', () => '/drafts', false),
  route('POST', '/api/drafts/:id/approve', () => '/drafts/1/approve', false, { body: { subject: 'Hello', text: 'Hello there' } }),
  route('POST', '/api/drafts/:id/skip', () => '/drafts/1/skip', false),
  route('GET', '/api/leads/by-record/:module/:recordId', () => `/leads/by-record/Contacts/${record}`, false, { owned: true }),
  route('GET', '/api/record-widget/:module/:recordId', () => `/record-widget/Contacts/${record}`, false),
  // The body names org A's sequence, known once the suite has made it.
  Object.defineProperty(route('POST', '/api/record-widget/:module/:recordId/sequence', () => `/record-widget/Contacts/${record}/sequence`, false, { owned: true }), 'body', { get: () => ({ sequenceId }), enumerable: true }) as Route,
  route('GET', '/api/leads/:id', () => `/leads/${leadId}`, false, { owned: true }),
  route('GET', '/api/leads/:id/timeline', () => `/leads/${leadId}/timeline`, false, { owned: true }),
  route('POST', '/api/leads/:id/replies/:inboundId/correction', () => `/leads/${leadId}/replies/${inboundId}/correction`, false, { body: { intent: 'AgreedToMeet' }, owned: true }),
  route('POST', '/api/leads/:id/pause', () => `/leads/${leadId}/pause`, false, { owned: true }),
  route('POST', '/api/leads/:id/resume', () => `/leads/${leadId}/resume`, false, { owned: true }),
  route('POST', '/api/leads/:id/hand-back', () => `/leads/${leadId}/hand-back`, false, { owned: true }),
  route('POST', '/api/leads/:id/send-now', () => `/leads/${leadId}/send-now`, false, { owned: true }),
  route('GET', '/api/inbound', () => '/inbound', true),
  route('GET', '/api/inbound/:id', () => `/inbound/${inboundId}`, true, { owned: true }),
  route('POST', '/api/inbound/:id/correction', () => `/inbound/${inboundId}/correction`, true, { body: { intent: 'AgreedToMeet' }, owned: true }),
  route('GET', '/api/reply-phrases', () => '/reply-phrases', false),
  route('POST', '/api/reply-phrases', () => '/reply-phrases', true, { body: { phrase: 'kindly desist', intent: 'Unsubscribed' } }),
  route('DELETE', '/api/reply-phrases/:id', () => '/reply-phrases/00000000-0000-4000-8000-000000000000', true),
  route('GET', '/api/suppressions', () => '/suppressions', true),
  route('POST', '/api/suppressions', () => '/suppressions', true, { body: { email: 'x@y.test' } }),
  route('DELETE', '/api/suppressions/:email', () => '/suppressions/x%40y.test', true),
  route('GET', '/api/assistants/:id/mailbox', () => `/assistants/${assistantId}/mailbox`, true, { owned: true }),
  route('PUT', '/api/assistants/:id/mailbox', () => `/assistants/${assistantId}/mailbox`, true, { body: { host: 'imap.example.com', user: 'u', password: 'p', verify: false }, owned: true }),
  route('DELETE', '/api/assistants/:id/mailbox', () => `/assistants/${assistantId}/mailbox`, true, { owned: true }),
  route('POST', '/api/assistants/:id/resume-sending', () => `/assistants/${assistantId}/resume-sending`, true, { owned: true }),
  route('GET', '/api/connector', () => '/connector', false),
  route('PUT', '/api/connector', () => '/connector', true, { body: {} }),
  route('GET', '/api/connector/segments', () => '/connector/segments', false),
  route('POST', '/api/connector/segments', () => '/connector/segments', true, { body: {} }),
  route('DELETE', '/api/connector/segments/:id', () => `/connector/segments/${segmentId}`, true, { owned: true }),
  route('GET', '/api/connector/zoho-fields', () => '/connector/zoho-fields', false),
  route('POST', '/api/connector/dry-run', () => '/connector/dry-run', true),
  route('POST', '/api/connector/run', () => '/connector/run', true),
  route('GET', '/api/connector/runs', () => '/connector/runs', false),
  route('GET', '/api/connector/runs/:id/records', () => '/connector/runs/1/records', false),
  route('POST', '/api/sign-in-ticket', () => '/sign-in-ticket', false),
];

/** Every row of the tables the API could change, each table's rows in one fixed order whatever the engine returns them in. */
async function snapshot(): Promise<string> {
  const db = backend.deps.db;
  const tables = ['orgs', 'zoho_tokens', 'widget_keys', 'notification_channels', 'assistants', 'sequences', 'sequence_steps', 'org_fields', 'leads', 'lead_events', 'inbound_messages', 'suppressions', 'reply_phrases', 'reply_examples', 'segments', 'connector_settings', 'outbox'];
  const contents: string[][] = [];
  for (const table of tables) contents.push((await rows(db, `SELECT * FROM ${table}`)).map((entry) => JSON.stringify(entry)).sort());
  return JSON.stringify(contents);
}

async function call(route: Route, headers: Record<string, string>) {
  const response = await fetch(`${backend.url}/api${route.path()}`, {
    method: route.method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(route.body === undefined ? {} : { body: JSON.stringify(route.body) }),
  });
  return { status: response.status, body: (await response.json()) as { error?: { code: string; message: string; requestId: string } } };
}

beforeAll(async () => {
  backend = await startTestBackend();
  orgA = await connectOrg(backend);
  orgB = await connectOrg(backend);
  assistantId = (await orgA.api('POST', '/assistants', assistant)).body.id;
  sequenceId = (await orgA.api('POST', '/sequences', sequence)).body.id;
  expect(assistantId).toBeTruthy();
  expect(sequenceId).toBeTruthy();
  // A lead, a reply and a segment of org A, so that every route naming one can be tried by org B.
  const orgIdA = (await row<{ id: string }>(backend.deps.db, 'SELECT id FROM orgs WHERE zoho_org_id = ?', orgA.zoho.org_id))!.id;
  leadId = (await createLead(backend.deps.db, { org_id: orgIdA, assistant_id: assistantId, zoho_module: 'Contacts', zoho_record_id: record, email: 'lead@a.test', first_name: 'Lea', last_name: 'D', company: 'A', context: 'x', sequence_id: sequenceId, steps_total: 1, previous_owner_id: null, previous_owner_name: null }, Date.now())).id;
  inboundId = Number(
    await value(
      backend.deps.db,
      "INSERT INTO inbound_messages (org_id, source, dedupe_key, subject, raw, received_at, status, lead_id, intent) VALUES (?, 'webhook', 'sec-1', 'Re: hi', ?, ?, 'processed', ?, 'Unclassified') RETURNING id",
      orgIdA,
      Buffer.from('From: lead@a.test\r\n\r\nhello'),
      Date.now(),
      leadId,
    ),
  );
  const segment = await orgA.api('POST', '/connector/segments', { name: 'With email', entity: 'contact', conditions: [{ property: 'email', op: 'is_set' }] });
  segmentId = String((segment.body as { id?: string }).id);
  expect(segment.status, JSON.stringify(segment.body)).toBe(201);
});

afterAll(async () => {
  await backend.stop();
});

describe('security of every /api route', () => {
  it('lists every /api route the app registers (a new route must be added here)', () => {
    const registered = new Set(createApp(backend.deps).routes.filter((entry) => entry.path.startsWith('/api/') && entry.method !== 'ALL').map((entry) => `${entry.method} ${entry.path}`));
    expect([...registered].sort()).toEqual(routes.map((entry) => `${entry.method} ${entry.pattern}`).sort());
    expect(routes.length).toBe(58);
  });

  it('refuses a missing key, a malformed header and a wrong key with 401 and changes nothing', async () => {
    const before = await snapshot();
    for (const route of routes) {
      const attempts: Record<string, string>[] = [{}, { authorization: 'Basic abc' }, { authorization: 'Bearer wrong-key-0123456789abcdef0123' }, { authorization: `Bearer ${ADMIN_TOKEN}x` }];
      for (const headers of attempts) {
        const response = await call(route, headers);
        expect(response.status, `${route.method} ${route.path()} with ${JSON.stringify(headers)}`).toBe(401);
        expect(response.body.error).toMatchObject({ code: 'UNAUTHORIZED', requestId: expect.any(String) });
      }
    }
    expect(await snapshot()).toBe(before);
  });

  it("never lets another org's key see or change this org's assistants and sequences", async () => {
    const before = await snapshot();
    const own = routes.filter((candidate) => candidate.owned);
    for (const route of own) {
      const response = await call(route, { authorization: `Bearer ${orgB.widgetKey}`, 'x-admin-session': orgB.adminSession });
      expect(response.status, `${route.method} ${route.path()}`).toBe(404);
    }
    expect((await orgB.api('GET', '/assistants')).body.assistants).toEqual([]);
    expect((await orgB.api('GET', '/sequences')).body.sequences.map((item: { name: string }) => item.name)).toEqual(['Recommended']);
    expect((await orgB.api('GET', '/crm-details')).body.org.zohoOrgId).toBe(orgB.zoho.org_id);
    expect(await snapshot()).toBe(before);
  });

  it('refuses admin actions to the widget key alone, and to forged, foreign or expired admin sessions', async () => {
    const before = await snapshot();
    const [payload, signature] = orgA.adminSession.split('.');
    const forged = `${Buffer.from(JSON.stringify({ orgId: 'x', zohoUserId: orgA.repId, email: 'rep@x', expiresAt: Date.now() * 2 })).toString('base64url')}.${signature}`;
    const sessions: (string | null)[] = [null, 'garbage', `${payload}.${'A'.repeat(signature!.length)}`, forged, orgB.adminSession];
    for (const route of routes.filter((candidate) => candidate.admin)) {
      for (const session of sessions) {
        const response = await call(route, { authorization: `Bearer ${orgA.widgetKey}`, ...(session ? { 'x-admin-session': session } : {}) });
        expect(response.status, `${route.method} ${route.path()} with ${String(session).slice(0, 12)}`).toBe(403);
        expect(response.body.error?.code).toBe('FORBIDDEN');
      }
    }
    backend.sandbox.clock.advance(8 * 60 * 60 * 1000);
    const expired = await call(routes[1]!, { authorization: `Bearer ${orgA.widgetKey}`, 'x-admin-session': orgA.adminSession });
    expect(expired.status).toBe(403);
    expect(await snapshot()).toBe(before);
    orgA.adminSession = (await signInAsAdmin(backend, orgA.zoho.admin.email)).token;
    orgB.adminSession = (await signInAsAdmin(backend, orgB.zoho.admin.email)).token;
  });

  it('signs in only administrators of a connected org, and posts the session only to the settings tab origin', async () => {
    const rep = orgA.zoho.users.find((user) => user.profile === 'Standard')!;
    const refused = await signInAsAdmin(backend, rep.email);
    expect(refused.status).toBe(400);
    expect(refused.token).toBe('');
    expect(refused.html).toContain('administrator must authorize');
    const foreign = await fetch(`${backend.url}/oauth/zoho/start?purpose=admin&origin=${encodeURIComponent('https://evil.example')}`, { redirect: 'manual' });
    expect(foreign.status).toBe(400);
    // Another extension's widget is a zappscontents.com origin too: before the org registered its own, nothing is posted.
    const early = await signInAsAdmin(backend, orgA.zoho.admin.email, 'https://123.zappscontents.com');
    expect(early.status).toBe(400);
    expect(early.token).toBe('');
    // Authorizing from the settings tab registers its origin with the org.
    const orgC = await connectOrg(backend, {}, 'https://123.zappscontents.com');
    const signedIn = await signInAsAdmin(backend, orgC.zoho.admin.email, 'https://123.zappscontents.com');
    expect(signedIn.html).toContain('"https://123.zappscontents.com"');
    expect(signedIn.token).toMatch(/^[\w-]+\.[\w-]+$/);
    const attacker = await signInAsAdmin(backend, orgC.zoho.admin.email, 'https://attacker-extension.zappscontents.com');
    expect(attacker.status).toBe(400);
    expect(attacker.token).toBe('');
    expect(attacker.html).not.toContain('salesassist:admin-session');
    expect(attacker.html).toContain('is not where this org');
    // Org A never authorized from 123.zappscontents.com: its admin's session does not go there.
    expect((await signInAsAdmin(backend, orgA.zoho.admin.email, 'https://123.zappscontents.com')).token).toBe('');
    // A connect flow from a page that is not a widget is refused before Zoho is asked.
    expect((await fetch(`${backend.url}/oauth/zoho/start?origin=${encodeURIComponent('https://evil.example')}`, { redirect: 'manual' })).status).toBe(400);
  });

  it('lets reads through for any user of the org holding the key', async () => {
    for (const route of routes.filter((candidate) => !candidate.admin && candidate.method === 'GET')) {
      const response = await call(route, { authorization: `Bearer ${orgA.widgetKey}` });
      // A read of a run that does not exist is a 404, never a refusal.
      expect(response.status, `${route.method} ${route.path()}`).toBe(route.pattern === '/api/connector/runs/:id/records' ? 404 : 200);
    }
  });

  it('lets an operator act for an org with ADMIN_TOKEN and X-Zoho-Org-Id', async () => {
    const listed = await call(routes[6]!, { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-zoho-org-id': orgA.zoho.org_id });
    expect(listed.status).toBe(200);
    const unknown = await call(routes[6]!, { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-zoho-org-id': '1' });
    expect(unknown.status).toBe(404);
    const renamed = await fetch(`${backend.url}/api/assistants/${assistantId}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-zoho-org-id': orgA.zoho.org_id, 'content-type': 'application/json' },
      body: JSON.stringify({ ...assistant, name: 'Renamed by operator' }),
    });
    expect(renamed.status).toBe(200);
  });

  it('answers CORS only for Zoho widget origins and the sandbox', async () => {
    const preflight = (origin: string) =>
      fetch(`${backend.url}/api/assistants`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' } });
    for (const origin of ['https://123456.zappscontents.com', 'https://crm.zoho.eu', backend.sandbox.url]) {
      expect((await preflight(origin)).headers.get('access-control-allow-origin'), origin).toBe(origin);
    }
    for (const origin of ['https://evil.example', 'https://zappscontents.com.evil.example', 'http://crm.zoho.com']) {
      expect((await preflight(origin)).headers.get('access-control-allow-origin'), origin).toBeNull();
    }
  });

  it('rotating the widget key retires the old one; concurrent rotations end on the key Zoho holds', async () => {
    // The first rotation's write to Zoho is slow, so all three are signed in with the old key before
    // any retires it (one arriving after that is refused, rightly, with 401).
    await backend.sandbox.admin('POST', '/sandbox/faults', { path: '*/settings/variables*', delay_ms: 400, count: 1 });
    const rotations = await Promise.all([orgA.api('POST', '/org/widget-key/rotate'), orgA.api('POST', '/org/widget-key/rotate'), orgA.api('POST', '/org/widget-key/rotate')]);
    expect(rotations.map((response) => response.status)).toEqual([200, 200, 200]);
    expect((await orgA.api('GET', '/assistants')).status).toBe(401);
    const token = (await backend.sandbox.token(orgA.zoho)).access_token;
    const current = (await backend.sandbox.crm(token, 'GET', '/settings/variables/salesassist__Widget_Key')).body.variables[0].value as string;
    expect((await orgA.api('GET', '/assistants', undefined, { key: current })).status).toBe(200);
  });

  it('does not forget the tokens when Zoho cannot revoke them', async () => {
    await backend.sandbox.admin('POST', '/sandbox/faults', { path: '/oauth/v2/token/revoke', status: 500, count: 1 });
    const refused = await orgB.api('POST', '/org/disconnect');
    expect(refused.status).toBe(503);
    expect((await orgB.api('GET', '/crm-details')).body.org.authorization).toBe('active');
  });

  it('disconnecting revokes the tokens at Zoho and retires the key', async () => {
    await backend.sandbox.admin('DELETE', '/sandbox/faults');
    const before = (await row<{ id: string }>(backend.deps.db, 'SELECT id FROM orgs WHERE zoho_org_id = ?', orgB.zoho.org_id))!;
    const refresh = (await backend.deps.vault.refreshTokenOf(before.id))!;
    const disconnected = await orgB.api('POST', '/org/disconnect');
    expect(disconnected.body).toEqual({ status: 'disconnected' });
    const attempt = await fetch(`${backend.sandbox.url}/oauth/v2/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: backend.client.client_id, client_secret: backend.client.client_secret, refresh_token: refresh }),
    });
    expect(await attempt.json()).toEqual({ error: 'invalid_code' });
    expect((await orgB.api('GET', '/crm-details')).status).toBe(401);
    expect(await backend.deps.vault.refreshTokenOf(before.id)).toBeUndefined();
  });
});
