import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type TestBackend, startTestBackend } from '../helpers/backend-harness.js';
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
      const response = await call(route, { authorization: `Bearer ${orgB.widgetKey}`, 'x-zoho-user-id': orgB.adminId });
      expect(response.status, `${route.method} ${route.path()}`).toBe(404);
    }
    expect((await orgB.api('GET', '/assistants')).body.assistants).toEqual([]);
    expect((await orgB.api('GET', '/sequences')).body.sequences.map((item: { name: string }) => item.name)).toEqual(['Recommended']);
    expect((await orgB.api('GET', '/crm-details')).body.org.zohoOrgId).toBe(orgB.zoho.org_id);
    expect(snapshot()).toBe(before);
  });

  it('refuses admin actions to a non-admin Zoho user, to no user, and to a user of another org', async () => {
    const before = snapshot();
    for (const route of routes.filter((candidate) => candidate.admin)) {
      for (const userId of [orgA.repId, null, orgB.adminId, 'not-a-number']) {
        const response = await call(route, { authorization: `Bearer ${orgA.widgetKey}`, ...(userId ? { 'x-zoho-user-id': userId } : {}) });
        expect(response.status, `${route.method} ${route.path()} as ${userId}`).toBe(403);
        expect(response.body.error?.code).toBe('FORBIDDEN');
      }
    }
    expect(snapshot()).toBe(before);
  });

  it('lets reads through for any user of the org holding the key', async () => {
    for (const route of routes.filter((candidate) => !candidate.admin)) {
      const response = await call(route, { authorization: `Bearer ${orgA.widgetKey}`, 'x-zoho-user-id': orgA.repId });
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

  it('rotating the widget key retires the old one', async () => {
    const rotated = await orgA.api('POST', '/org/widget-key/rotate');
    expect(rotated.status).toBe(200);
    expect((await orgA.api('GET', '/assistants')).status).toBe(401);
  });

  it('disconnecting revokes the tokens at Zoho and retires the key', async () => {
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
