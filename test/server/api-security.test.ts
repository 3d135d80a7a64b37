import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type TestBackend, signInAsAdmin, startTestBackend } from '../helpers/backend-harness.js';
import { type ConnectedOrg, connectOrg } from '../helpers/connected-org.js';

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
  path: () => string;
  body?: unknown;
  admin: boolean;
}

const routes: Route[] = [
  { method: 'GET', path: () => '/crm-details', admin: false },
  { method: 'POST', path: () => '/crm-details/refresh', admin: true },
  { method: 'GET', path: () => '/org', admin: false },
  { method: 'POST', path: () => '/org/setup', admin: true },
  { method: 'POST', path: () => '/org/widget-key/rotate', admin: true },
  { method: 'POST', path: () => '/org/disconnect', admin: true },
  { method: 'GET', path: () => '/assistants', admin: false },
  { method: 'POST', path: () => '/assistants', body: { ...assistant, mailbox_email: 'other@a.test' }, admin: true },
  { method: 'GET', path: () => `/assistants/${assistantId}`, admin: false },
  { method: 'PUT', path: () => `/assistants/${assistantId}`, body: { ...assistant, name: 'Changed' }, admin: true },
  { method: 'DELETE', path: () => `/assistants/${assistantId}`, admin: true },
  { method: 'GET', path: () => '/sequences', admin: false },
  { method: 'POST', path: () => '/sequences', body: { ...sequence, name: 'Another' }, admin: true },
  { method: 'GET', path: () => `/sequences/${sequenceId}`, admin: false },
  { method: 'PUT', path: () => `/sequences/${sequenceId}`, body: { ...sequence, name: 'Changed' }, admin: true },
  { method: 'DELETE', path: () => `/sequences/${sequenceId}`, admin: true },
];

function snapshot(): string {
  const db = backend.deps.db;
  const tables = ['orgs', 'zoho_tokens', 'widget_keys', 'notification_channels', 'assistants', 'sequences', 'sequence_steps', 'org_fields'];
  return JSON.stringify(tables.map((table) => db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all()));
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
});

afterAll(async () => {
  await backend.stop();
});

describe('security of every /api route', () => {
  it('refuses a missing key, a malformed header and a wrong key with 401 and changes nothing', async () => {
    const before = snapshot();
    for (const route of routes) {
      const attempts: Record<string, string>[] = [{}, { authorization: 'Basic abc' }, { authorization: 'Bearer wrong-key-0123456789abcdef0123' }, { authorization: `Bearer ${ADMIN_TOKEN}x` }];
      for (const headers of attempts) {
        const response = await call(route, headers);
        expect(response.status, `${route.method} ${route.path()} with ${JSON.stringify(headers)}`).toBe(401);
        expect(response.body.error).toMatchObject({ code: 'UNAUTHORIZED', requestId: expect.any(String) });
      }
    }
    expect(snapshot()).toBe(before);
  });

  it("never lets another org's key see or change this org's assistants and sequences", async () => {
    const before = snapshot();
    const own = routes.filter((route) => route.path().includes(assistantId) || route.path().includes(sequenceId));
    for (const route of own) {
      const response = await call(route, { authorization: `Bearer ${orgB.widgetKey}`, 'x-admin-session': orgB.adminSession });
      expect(response.status, `${route.method} ${route.path()}`).toBe(404);
    }
    expect((await orgB.api('GET', '/assistants')).body.assistants).toEqual([]);
    expect((await orgB.api('GET', '/sequences')).body.sequences.map((item: { name: string }) => item.name)).toEqual(['Recommended']);
    expect((await orgB.api('GET', '/crm-details')).body.org.zohoOrgId).toBe(orgB.zoho.org_id);
    expect(snapshot()).toBe(before);
  });

  it('refuses admin actions to the widget key alone, and to forged, foreign or expired admin sessions', async () => {
    const before = snapshot();
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
    expect(snapshot()).toBe(before);
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
    for (const route of routes.filter((candidate) => !candidate.admin)) {
      const response = await call(route, { authorization: `Bearer ${orgA.widgetKey}` });
      expect(response.status, `${route.method} ${route.path()}`).toBe(200);
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
    const before = backend.deps.db.prepare('SELECT id FROM orgs WHERE zoho_org_id = ?').get(orgB.zoho.org_id) as { id: string };
    const refresh = backend.deps.vault.refreshTokenOf(before.id)!;
    const disconnected = await orgB.api('POST', '/org/disconnect');
    expect(disconnected.body).toEqual({ status: 'disconnected' });
    const attempt = await fetch(`${backend.sandbox.url}/oauth/v2/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: backend.client.client_id, client_secret: backend.client.client_secret, refresh_token: refresh }),
    });
    expect(await attempt.json()).toEqual({ error: 'invalid_code' });
    expect((await orgB.api('GET', '/crm-details')).status).toBe(401);
    expect(backend.deps.vault.refreshTokenOf(before.id)).toBeUndefined();
  });
});
