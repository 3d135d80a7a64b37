import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listOrgFields } from '../../server/src/db/org-setup.js';
import { findOrgByZohoId } from '../../server/src/db/orgs.js';
import { listSequences } from '../../server/src/db/sequences.js';
import { sha256 } from '../../server/src/lib/token-cipher.js';
import { type TestBackend, authorizeInBrowser, signInAsAdmin, startTestBackend } from '../helpers/backend-harness.js';
import type { Json, SandboxOrg } from '../helpers/sandbox-client.js';
import { row as rowOf, rows, testDialect, value } from '../helpers/store.js';

let backend: TestBackend;

beforeEach(async () => {
  backend = await startTestBackend();
});

afterEach(async () => {
  await backend.stop();
});

async function createOrg(input: Record<string, unknown> = {}): Promise<SandboxOrg> {
  return backend.sandbox.createOrg({
    name: 'Acme Corp',
    client_id: backend.client.client_id,
    users: [
      { first_name: 'Ann', last_name: 'Admin', email: `ann.${Math.random().toString(36).slice(2)}@acme.test`, profile: 'Administrator' },
      { first_name: 'Sam', last_name: 'Sales', email: `sam.${Math.random().toString(36).slice(2)}@acme.test` },
    ],
    ...input,
  });
}

async function rowCount(table: string): Promise<number> {
  return Number(await value(backend.deps.db, `SELECT COUNT(*) AS n FROM ${table}`));
}

/** Every row of every table, as text. */
async function storedText(): Promise<string> {
  const tables = await backend.deps.db.introspection.getTables();
  const contents: unknown[] = [];
  for (const table of tables) contents.push(await rows(backend.deps.db, `SELECT * FROM ${table.name}`));
  return JSON.stringify(contents);
}

async function nothingStored() {
  expect([await rowCount('orgs'), await rowCount('zoho_tokens'), await rowCount('notification_channels'), await rowCount('widget_keys')]).toEqual([0, 0, 0, 0]);
}

describe('authorizing the backend on Zoho', () => {
  it('runs the whole dance: tokens sealed, fields made, channel subscribed, widget key in the org variable', async () => {
    const org = await createOrg();
    const result = await authorizeInBrowser(backend, { userEmail: org.admin.email });
    expect(result.status).toBe(200);
    expect(result.html).toContain('Zoho CRM connected');
    const csp = result.headers.get('content-security-policy')!;
    const nonce = /script-src 'nonce-([\w-]+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).not.toContain('unsafe-inline');
    expect(result.html).toContain(`<script nonce="${nonce}">`);
    expect(result.html).toContain(`<style nonce="${nonce}">`);
    expect(result.html).toContain('settings tab');
    expect(result.html).not.toContain('class="step-fail"');

    const row = (await findOrgByZohoId(backend.deps.db, org.org_id))!;
    expect(row).toMatchObject({ status: 'active', dc: 'us', accounts_server: backend.sandbox.url, api_domain: backend.sandbox.url, authorized_by_email: org.admin.email });
    expect((await listSequences(backend.deps.db, row.id)).map((sequence) => [sequence.name, sequence.is_default])).toEqual([['Recommended', true]]);

    // Fields created where missing, with the API names Zoho reported.
    const fields = await listOrgFields(backend.deps.db, row.id);
    expect(fields).toHaveLength(9);
    const zohoToken = (await backend.sandbox.token(org)).access_token;
    for (const field of fields) {
      const meta = (await backend.sandbox.crm(zohoToken, 'GET', `/settings/fields?module=${field.module}`)).body.fields as Json[];
      expect(meta.find((candidate) => candidate.api_name === field.api_name)?.field_label).toBe(field.field_label);
    }

    // The channel listens for Leads, Contacts and Deals at our webhook.
    const watch = (await backend.sandbox.crm(zohoToken, 'GET', '/actions/watch')).body.watch as Json[];
    expect(watch.map((entry) => entry.resource_name).sort()).toEqual(['Contacts', 'Deals', 'Leads']);
    expect(watch.every((entry) => entry.notify_url === `${backend.url}/webhooks/zoho`)).toBe(true);

    // The org variable holds the widget key; we keep only its hash.
    const variable = (await backend.sandbox.crm(zohoToken, 'GET', '/settings/variables/salesassist__Widget_Key')).body.variables[0];
    const stored = (await rowOf<{ key_hash: string }>(backend.deps.db, 'SELECT key_hash FROM widget_keys WHERE org_id = ?', row.id))!;
    expect(sha256(variable.value)).toBe(stored.key_hash);
    const api = await fetch(`${backend.url}/api/crm-details`, { headers: { authorization: `Bearer ${variable.value}` } });
    expect(api.status).toBe(200);

    // At rest the database holds no token in plaintext.
    const { refreshToken, accessToken } = (await backend.deps.vault.load(row.id))!;
    // Every table's text, as the database hands it out (what a stolen copy of the database would show).
    const everything = await storedText();
    for (const secret of [refreshToken, accessToken!, variable.value]) expect(everything.includes(secret)).toBe(false);
    if (testDialect() === 'sqlite') {
      // And the file itself, write-ahead log folded in.
      await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(backend.deps.db);
      const bytes = readFileSync(backend.dbPath).toString('latin1');
      for (const secret of [refreshToken, accessToken!, variable.value]) expect(bytes.includes(secret)).toBe(false);
    }
    // ...and no log line carries one either.
    expect(backend.logLines.some((line) => line.includes(refreshToken) || line.includes(accessToken!) || line.includes(variable.value))).toBe(false);
  });

  it('re-authorizing replaces the tokens and revokes the old refresh token', async () => {
    const org = await createOrg();
    await authorizeInBrowser(backend, { userEmail: org.admin.email });
    const row = (await findOrgByZohoId(backend.deps.db, org.org_id))!;
    const oldRefresh = (await backend.deps.vault.refreshTokenOf(row.id))!;
    const again = await authorizeInBrowser(backend, { userEmail: org.admin.email });
    expect(again.html).toContain('authorized again');
    expect(await rowCount('orgs')).toBe(1);
    expect(await backend.deps.vault.refreshTokenOf(row.id)).not.toBe(oldRefresh);
    const refresh = await fetch(`${backend.sandbox.url}/oauth/v2/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: backend.client.client_id, client_secret: backend.client.client_secret, refresh_token: oldRefresh }),
    });
    expect(await refresh.json()).toEqual({ error: 'invalid_code' });
  });

  it('talks to an EU org on its own accounts server and API domain only', async () => {
    const org = await createOrg({ name: 'Euro GmbH', dc: 'eu', extension_fields: true });
    // Any call to the US data centre (the sandbox root) would now fail.
    await backend.sandbox.admin('POST', '/sandbox/faults', { path: '/crm/*', status: 500, count: 10_000 });
    await backend.sandbox.admin('POST', '/sandbox/faults', { path: '/oauth/v2/token*', status: 500, count: 10_000 });
    const result = await authorizeInBrowser(backend, { userEmail: org.admin.email });
    expect(result.callback.searchParams.get('accounts-server')).toBe(`${backend.sandbox.url}/dc/eu`);
    expect(result.status).toBe(200);
    expect(result.html).not.toContain('class="step-fail"');
    const row = (await findOrgByZohoId(backend.deps.db, org.org_id))!;
    expect(row).toMatchObject({ dc: 'eu', accounts_server: `${backend.sandbox.url}/dc/eu`, api_domain: `${backend.sandbox.url}/dc/eu` });
    expect((await listOrgFields(backend.deps.db, row.id)).find((field) => field.module === 'Leads' && field.role === 'context')?.api_name).toBe('salesassist__X7Targets_Context');
    // A refresh goes to the EU accounts server as well.
    backend.sandbox.clock.advance(61 * 60 * 1000);
    const session = (await signInAsAdmin(backend, org.admin.email)).token;
    const details = await fetch(`${backend.url}/api/crm-details/refresh`, { method: 'POST', headers: { authorization: `Bearer ${await widgetKey(org)}`, 'x-admin-session': session } });
    expect(details.status).toBe(200);
    await backend.sandbox.admin('DELETE', '/sandbox/faults');
  });
});

async function widgetKey(org: SandboxOrg): Promise<string> {
  const token = (await backend.sandbox.token(org)).access_token;
  return (await backend.sandbox.crm(token, 'GET', '/settings/variables/salesassist__Widget_Key', undefined, org.api_domain)).body.variables[0].value;
}

describe('a failed authorization ends on a clear page and stores nothing', () => {
  it('a forged state', async () => {
    const org = await createOrg();
    const result = await authorizeInBrowser(backend, { userEmail: org.admin.email, tamper: (url) => (url.searchParams.set('state', 'forged-state-value'), url) });
    expect(result.status).toBe(400);
    expect(result.html).toContain('not valid');
    await nothingStored();
  });

  it('a replayed state', async () => {
    const org = await createOrg();
    const first = await authorizeInBrowser(backend, { userEmail: org.admin.email });
    expect(first.status).toBe(200);
    const replay = await fetch(first.callback, { headers: { cookie: first.cookie } });
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('already used');
  });

  it('a callback from another browser (no binding cookie)', async () => {
    const org = await createOrg();
    const result = await authorizeInBrowser(backend, { userEmail: org.admin.email, cookie: null });
    expect(result.status).toBe(400);
    expect(result.html).toContain('another browser');
    await nothingStored();
  });

  it('an accounts-server outside the allow-list', async () => {
    const org = await createOrg();
    for (const evil of ['https://accounts.zoho.evil.example', 'http://127.0.0.1:1', `${backend.sandbox.url}/elsewhere`]) {
      const result = await authorizeInBrowser(backend, { userEmail: org.admin.email, tamper: (url) => (url.searchParams.set('accounts-server', evil), url) });
      expect(result.status, evil).toBe(400);
      expect(result.html).toContain('Unknown Zoho accounts server');
    }
    await nothingStored();
  });

  it('a location that disagrees with the accounts server, or is not a data centre', async () => {
    const org = await createOrg();
    for (const location of ['eu', '__proto__', 'constructor']) {
      const result = await authorizeInBrowser(backend, { userEmail: org.admin.email, tamper: (url) => (url.searchParams.set('location', location), url) });
      expect(result.status, location).toBe(400);
      expect(result.html).toContain('data centres disagree');
    }
    await nothingStored();
  });

  it('Zoho failing after the code exchange: a clear page, and the fresh token is revoked', async () => {
    const org = await createOrg();
    const liveTokens = () => (backend.sandbox.sandbox.deps.db.prepare('SELECT COUNT(*) AS n FROM refresh_tokens WHERE revoked_at IS NULL').get() as { n: number }).n;
    const before = liveTokens();
    await backend.sandbox.admin('POST', '/sandbox/faults', { path: '/crm/v8/users', status: 500, count: 3 });
    const result = await authorizeInBrowser(backend, { userEmail: org.admin.email });
    expect(result.status).toBe(503);
    expect(result.headers.get('content-type')).toContain('text/html');
    expect(result.html).toContain('could not be reached');
    expect(liveTokens()).toBe(before);
    await nothingStored();
  });

  it('error=access_denied', async () => {
    const org = await createOrg();
    const result = await authorizeInBrowser(backend, { userEmail: org.admin.email, approve: false });
    expect(result.status).toBe(400);
    expect(result.html).toContain('Authorization was declined');
    await nothingStored();
  });

  it('a user who is not a Zoho administrator', async () => {
    const org = await createOrg();
    const rep = org.users.find((user) => user.profile === 'Standard')!;
    const result = await authorizeInBrowser(backend, { userEmail: rep.email });
    expect(result.status).toBe(400);
    expect(result.html).toContain('administrator must authorize');
    await nothingStored();
  });
});
