import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALL_SCOPES, type SandboxOrg, type TestSandbox, startTestSandbox } from '../helpers/sandbox-client.js';

const REDIRECT = 'http://127.0.0.1:9/oauth/zoho/callback';

let test: TestSandbox;
let org: SandboxOrg;

beforeEach(async () => {
  test = await startTestSandbox();
  org = await test.createOrg({
    name: 'Acme',
    redirect_uri: REDIRECT,
    users: [
      { first_name: 'Ann', last_name: 'Admin', email: 'ann@acme.test', profile: 'Administrator' },
      { first_name: 'Sam', last_name: 'Sales', email: 'sam@acme.test' },
    ],
  });
});

afterEach(async () => {
  await test.stop();
});

function authorizeQuery(overrides: Record<string, string> = {}): URLSearchParams {
  return new URLSearchParams({
    scope: ALL_SCOPES,
    client_id: org.client.client_id,
    response_type: 'code',
    access_type: 'offline',
    prompt: 'consent',
    redirect_uri: REDIRECT,
    state: 'opaque-state-123',
    ...overrides,
  });
}

async function approve(query: URLSearchParams, form: Record<string, string>): Promise<URL> {
  const response = await fetch(`${test.url}/oauth/v2/auth?${query}`, {
    method: 'POST',
    body: new URLSearchParams(form),
    redirect: 'manual',
  });
  expect(response.status).toBe(302);
  return new URL(response.headers.get('location')!);
}

async function token(params: Record<string, string>, encoding: 'form' | 'multipart' = 'form', base = test.url) {
  const body = encoding === 'form' ? new URLSearchParams(params) : Object.entries(params).reduce((data, [key, value]) => (data.append(key, value), data), new FormData());
  const response = await fetch(`${base}/oauth/v2/token`, { method: 'POST', body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function codeFor(email = 'ann@acme.test', query = authorizeQuery()): Promise<string> {
  const back = await approve(query, { user_email: email, approve: 'true' });
  return back.searchParams.get('code')!;
}

describe('consent page', () => {
  it('lets a person choose which user of the org signs in', async () => {
    const response = await fetch(`${test.url}/oauth/v2/auth?${authorizeQuery()}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    expect(html).toContain('ann@acme.test');
    expect(html).toContain('sam@acme.test');
    expect(html).toContain('ZohoCRM.modules.ALL');
  });

  it('redirects with code, location, accounts-server and state on approval', async () => {
    const back = await approve(authorizeQuery(), { user_email: 'ann@acme.test', approve: 'true' });
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get('code')).toMatch(/^1000\./);
    expect(back.searchParams.get('location')).toBe('us');
    expect(back.searchParams.get('accounts-server')).toBe(test.url);
    expect(back.searchParams.get('state')).toBe('opaque-state-123');
  });

  it('redirects with error=access_denied on denial', async () => {
    const back = await approve(authorizeQuery(), { user_email: 'ann@acme.test', approve: 'false' });
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe('opaque-state-123');
    expect(back.searchParams.get('code')).toBeNull();
  });

  it('never redirects to an unregistered redirect_uri or for an unknown client', async () => {
    const wrongRedirect = await fetch(`${test.url}/oauth/v2/auth?${authorizeQuery({ redirect_uri: 'https://evil.example/cb' })}`, { redirect: 'manual' });
    expect(wrongRedirect.status).toBe(400);
    expect(await wrongRedirect.text()).toContain('Invalid Redirect Uri');
    const approveElsewhere = await fetch(`${test.url}/oauth/v2/auth?${authorizeQuery({ redirect_uri: 'https://evil.example/cb' })}`, { method: 'POST', body: new URLSearchParams({ user_email: 'ann@acme.test', approve: 'true' }), redirect: 'manual' });
    expect(approveElsewhere.status).toBe(400);
    expect(approveElsewhere.headers.get('location')).toBeNull();
    const wrongClient = await fetch(`${test.url}/oauth/v2/auth?${authorizeQuery({ client_id: '1000.UNKNOWN' })}`, { method: 'POST', body: new URLSearchParams({ user_email: 'ann@acme.test', approve: 'true' }), redirect: 'manual' });
    expect(wrongClient.status).toBe(400);
    expect(wrongClient.headers.get('location')).toBeNull();
  });
});

describe('token endpoint', () => {
  it('exchanges a code sent form-urlencoded for tokens whose api_domain is the sandbox', async () => {
    const code = await codeFor();
    const result = await token({ grant_type: 'authorization_code', client_id: org.client.client_id, client_secret: org.client.client_secret, redirect_uri: REDIRECT, code });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ api_domain: test.url, token_type: 'Bearer', expires_in: 3600 });
    expect(result.body.refresh_token).toMatch(/^1000\./);
    const orgResponse = await test.crm(result.body.access_token as string, 'GET', '/org');
    expect(orgResponse.status).toBe(200);
    expect(orgResponse.body.org[0].zgid).toBe(org.org_id);
  });

  it('accepts multipart bodies (as the SDK sends) and codes are single-use', async () => {
    const code = await codeFor();
    const params = { grant_type: 'authorization_code', client_id: org.client.client_id, client_secret: org.client.client_secret, redirect_uri: REDIRECT, code };
    expect((await token(params, 'multipart')).body.access_token).toBeTruthy();
    const replay = await token(params, 'multipart');
    expect(replay).toEqual({ status: 200, body: { error: 'invalid_code' } });
  });

  it('refuses an expired code, a wrong client, a wrong secret and a wrong redirect_uri', async () => {
    const expired = await codeFor();
    test.clock.advance(2 * 60 * 1000 + 1);
    expect((await token({ grant_type: 'authorization_code', client_id: org.client.client_id, client_secret: org.client.client_secret, redirect_uri: REDIRECT, code: expired })).body).toEqual({ error: 'invalid_code' });

    const code = await codeFor();
    const base = { grant_type: 'authorization_code', client_id: org.client.client_id, client_secret: org.client.client_secret, redirect_uri: REDIRECT, code };
    const { redirect_uri: _omitted, ...withoutRedirect } = base;
    expect((await token(withoutRedirect)).body).toEqual({ error: 'invalid_redirect_uri' });
    expect((await token({ ...base, client_id: '1000.NOPE' })).body).toEqual({ error: 'invalid_client' });
    expect((await token({ ...base, client_secret: 'wrong' })).body).toEqual({ error: 'invalid_client_secret' });
    expect((await token({ ...base, redirect_uri: 'https://elsewhere.example/cb' })).body).toEqual({ error: 'invalid_redirect_uri' });
    // None of the failures above spent the code.
    expect((await token(base)).body.access_token).toBeTruthy();
  });

  it('refreshes, and an access token dies after an hour', async () => {
    const code = await codeFor();
    const first = (await token({ grant_type: 'authorization_code', client_id: org.client.client_id, client_secret: org.client.client_secret, redirect_uri: REDIRECT, code })).body;
    test.clock.advance(60 * 60 * 1000);
    const expired = await test.crm(first.access_token as string, 'GET', '/org');
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual({ code: 'INVALID_TOKEN', details: {}, message: 'invalid oauth token', status: 'error' });

    const refreshed = await token({ grant_type: 'refresh_token', client_id: org.client.client_id, client_secret: org.client.client_secret, refresh_token: first.refresh_token as string }, 'multipart');
    expect(refreshed.body.refresh_token).toBeUndefined();
    expect(refreshed.body.expires_in).toBe(3600);
    expect((await test.crm(refreshed.body.access_token as string, 'GET', '/org')).status).toBe(200);
  });

  it('limits one refresh token to 10 access tokens per 10 minutes', async () => {
    const { refresh_token } = await test.token(org);
    const params = { grant_type: 'refresh_token', client_id: org.client.client_id, client_secret: org.client.client_secret, refresh_token };
    // The code exchange minted the first of the ten.
    for (let i = 0; i < 9; i += 1) expect((await token(params)).body.access_token).toBeTruthy();
    const blocked = await token(params);
    expect(blocked.status).toBe(400);
    expect(blocked.body.error).toBe('Access Denied');
    test.clock.advance(10 * 60 * 1000 + 1);
    expect((await token(params)).body.access_token).toBeTruthy();
  });

  it('revokes a refresh token and every access token minted from it', async () => {
    const tokens = await test.token(org);
    const response = await fetch(`${test.url}/oauth/v2/token/revoke?token=${encodeURIComponent(tokens.refresh_token)}`, { method: 'POST' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'success' });
    expect((await test.crm(tokens.access_token, 'GET', '/org')).status).toBe(401);
    const refresh = await token({ grant_type: 'refresh_token', client_id: org.client.client_id, client_secret: org.client.client_secret, refresh_token: tokens.refresh_token });
    expect(refresh.body).toEqual({ error: 'invalid_code' });
    const again = await fetch(`${test.url}/oauth/v2/token/revoke?token=${encodeURIComponent(tokens.refresh_token)}`, { method: 'POST' });
    expect(again.status).toBe(400);
  });

  it('issues a refresh token only with access_type=offline', async () => {
    const code = await codeFor('ann@acme.test', authorizeQuery({ access_type: 'online' }));
    const result = await token({ grant_type: 'authorization_code', client_id: org.client.client_id, client_secret: org.client.client_secret, redirect_uri: REDIRECT, code });
    expect(result.body.access_token).toBeTruthy();
    expect(result.body.refresh_token).toBeUndefined();
  });
});

describe('scopes and authentication', () => {
  it('answers 401 INVALID_TOKEN without a token and for an unknown one', async () => {
    const missing = await test.crm('', 'GET', '/org');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('content-type')).toBe('application/json;charset=UTF-8');
    expect(missing.body).toEqual({ code: 'INVALID_TOKEN', details: {}, message: 'invalid oauth token', status: 'error' });
    expect((await test.crm('1000.deadbeef.deadbeef', 'GET', '/org')).body.code).toBe('INVALID_TOKEN');
  });

  it('enforces scopes with OAUTH_SCOPE_MISMATCH', async () => {
    const narrow = await test.token(org, 'ZohoCRM.modules.contacts.READ,ZohoCRM.org.READ');
    expect((await test.crm(narrow.access_token, 'GET', '/Contacts?fields=Last_Name')).status).toBe(204);
    const leads = await test.crm(narrow.access_token, 'GET', '/Leads?fields=Last_Name');
    expect(leads.status).toBe(401);
    expect(leads.body.code).toBe('OAUTH_SCOPE_MISMATCH');
    const write = await test.crm(narrow.access_token, 'POST', '/Contacts', { data: [{ Last_Name: 'X' }] });
    expect(write.body.code).toBe('OAUTH_SCOPE_MISMATCH');
    expect((await test.crm(narrow.access_token, 'GET', '/settings/fields?module=Contacts')).body.code).toBe('OAUTH_SCOPE_MISMATCH');
  });
});

describe('data centres', () => {
  it('sends an EU org to its own accounts server and API domain, and nowhere else', async () => {
    const eu = await test.createOrg({ name: 'Euro GmbH', dc: 'eu', client_id: org.client.client_id, users: [{ first_name: 'Eva', last_name: 'Admin', email: 'eva@euro.test', profile: 'Administrator' }] });
    expect(eu.accounts_server).toBe(`${test.url}/dc/eu`);
    const back = await approve(authorizeQuery(), { user_email: 'eva@euro.test', approve: 'true' });
    expect(back.searchParams.get('location')).toBe('eu');
    expect(back.searchParams.get('accounts-server')).toBe(`${test.url}/dc/eu`);
    const code = back.searchParams.get('code')!;
    const params = { grant_type: 'authorization_code', client_id: org.client.client_id, client_secret: org.client.client_secret, redirect_uri: REDIRECT, code };

    // Redeeming at the US accounts server fails, as at Zoho; the code survives for the right one.
    expect((await token(params)).body).toEqual({ error: 'invalid_client' });
    const tokens = (await token(params, 'form', `${test.url}/dc/eu`)).body;
    expect(tokens.api_domain).toBe(`${test.url}/dc/eu`);

    expect((await test.crm(tokens.access_token as string, 'GET', '/org', undefined, `${test.url}/dc/eu`)).body.org[0].zgid).toBe(eu.org_id);
    expect((await test.crm(tokens.access_token as string, 'GET', '/org')).status).toBe(401);
  });

  it('knows every Zoho data centre and refuses unknown ones', async () => {
    for (const dc of ['us', 'eu', 'in', 'au', 'jp', 'ca', 'sa', 'cn', 'uk']) {
      const created = await test.admin<{ dc: string }>('POST', '/sandbox/orgs', { name: `Org ${dc}`, dc });
      expect(created.status).toBe(201);
      expect(created.body.dc).toBe(dc);
    }
    expect((await test.admin('POST', '/sandbox/orgs', { name: 'Mars', dc: 'mars' })).status).toBe(400);
    expect((await test.crm('x', 'GET', '/org', undefined, `${test.url}/dc/mars`)).status).toBe(404);
  });
});
