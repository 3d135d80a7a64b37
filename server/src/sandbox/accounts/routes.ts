import { Hono } from 'hono';
import type { SandboxDeps, SandboxEnv } from '../context.js';
import { dcBaseUrl } from '../context.js';
import type { SandboxContext } from '../http.js';
import { zohoJson } from '../http.js';
import {
  accessTokensMintedSince,
  consumeGrant,
  createGrant,
  findGrant,
  getClient,
  getRefreshToken,
  hasRefreshTokenFor,
  issueAccessToken,
  issueRefreshToken,
  redirectUris,
  revokeAccessToken,
  revokeRefreshToken,
} from '../store/auth.js';
import { DATA_CENTRES, findUsersByEmailEverywhere, getOrg, listAllUsers, listOrgs } from '../store/orgs.js';
import { accountsErrorPage, consentPage } from './consent-page.js';

const REFRESH_WINDOW_MS = 10 * 60 * 1000;
const REFRESHES_PER_WINDOW = 10;
const SCOPE = /^[A-Za-z]+(\.[A-Za-z_]+)+$/;

function errorPage(c: SandboxContext, title: string, detail: string): Response {
  return c.body(accountsErrorPage(title, detail), 400, { 'content-type': 'text/html; charset=UTF-8' });
}

/** Zoho answers token errors with HTTP 200 and `{"error": "<code>"}`. */
function tokenError(c: SandboxContext, error: string): Response {
  return zohoJson(c, { error }, 200);
}

/** A form body, or undefined when it cannot be parsed (a broken multipart body, say). */
async function readForm(c: SandboxContext): Promise<Record<string, unknown> | undefined> {
  try {
    return await c.req.parseBody();
  } catch {
    return undefined;
  }
}

async function tokenParams(c: SandboxContext): Promise<Record<string, string> | undefined> {
  const params: Record<string, string> = { ...c.req.query() };
  const type = c.req.header('content-type') ?? '';
  if (type.startsWith('multipart/form-data') || type.startsWith('application/x-www-form-urlencoded')) {
    const body = await readForm(c);
    if (!body) return undefined;
    for (const [key, value] of Object.entries(body)) if (typeof value === 'string') params[key] = value;
  }
  return params;
}

function parseScopes(raw: string | undefined): string[] | undefined {
  const scopes = (raw ?? '').split(/[ ,]+/).filter(Boolean);
  return scopes.length > 0 && scopes.every((scope) => SCOPE.test(scope)) ? scopes : undefined;
}

export function createAccountsRoutes(deps: SandboxDeps): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();

  /** Checks the authorization request; answers an error page (never a redirect) when it is unsafe. */
  const checkAuthorizeRequest = (c: SandboxContext) => {
    const query = c.req.query();
    const problem = (title: string, detail: string) => ({ error: errorPage(c, title, detail) });
    const client = query.client_id ? getClient(deps.db, query.client_id) : undefined;
    if (!client) return problem('Invalid Client', 'The client_id is not registered with this Zoho sandbox.');
    if (!query.redirect_uri || !redirectUris(client).includes(query.redirect_uri)) {
      return problem('Invalid Redirect Uri', 'The redirect_uri does not match one registered for this client.');
    }
    if (query.response_type !== 'code') return problem('Unsupported Response Type', 'response_type must be "code".');
    const scopes = parseScopes(query.scope);
    if (!scopes) return problem('Invalid OAuth Scope', 'Pass one or more scopes, comma separated.');
    return { client, scopes, query, redirectUri: query.redirect_uri };
  };

  app.get('/oauth/v2/auth', (c) => {
    const checked = checkAuthorizeRequest(c);
    if ('error' in checked) return checked.error;
    const users = listAllUsers(deps.db).filter((user) => user.status === 'active');
    const orgs = listOrgs(deps.db).map((org) => ({ name: org.name, dc: org.dc, users: users.filter((user) => user.org_id === org.id) }));
    return c.html(consentPage({ clientName: checked.client.name, scopes: checked.scopes, hiddenFields: {}, orgs: orgs.filter((org) => org.users.length > 0) }));
  });

  app.post('/oauth/v2/auth', async (c) => {
    const checked = checkAuthorizeRequest(c);
    if ('error' in checked) return checked.error;
    const form = await readForm(c);
    if (!form) return errorPage(c, 'Invalid Request', 'The form could not be read.');
    const back = new URL(checked.redirectUri);
    if (checked.query.state !== undefined) back.searchParams.set('state', checked.query.state);
    if (form.approve !== 'true') {
      back.searchParams.set('error', 'access_denied');
      return c.redirect(back.toString(), 302);
    }
    const email = typeof form.user_email === 'string' ? form.user_email : '';
    const chosen = typeof form.user === 'string' ? form.user.split('|') : [];
    const orgId = typeof form.org_id === 'string' ? form.org_id : chosen[0];
    const userEmail = email || chosen[1] || '';
    const candidates = findUsersByEmailEverywhere(deps.db, userEmail).filter(
      (user) => user.status === 'active' && (orgId === undefined || user.org_id === orgId),
    );
    if (candidates.length === 0) return errorPage(c, 'No Such User', `No active user signs in as "${userEmail}".`);
    if (candidates.length > 1) return errorPage(c, 'Choose An Organization', 'This email belongs to users of several orgs; pass org_id.');
    const user = candidates[0]!;
    const org = getOrg(deps.db, user.org_id)!;
    const offline = checked.query.access_type === 'offline';
    const grant = createGrant(
      deps.db,
      {
        client_id: checked.client.client_id,
        org_id: org.id,
        user_id: user.id,
        scope: checked.scopes.join(','),
        redirect_uri: checked.redirectUri,
        issue_refresh: offline && (checked.query.prompt === 'consent' || !hasRefreshTokenFor(deps.db, checked.client.client_id, user.id)) ? 1 : 0,
      },
      deps.clock.now(),
    );
    back.searchParams.set('code', grant.code);
    back.searchParams.set('location', org.dc);
    back.searchParams.set('accounts-server', dcBaseUrl(deps.baseUrl(), org.dc));
    return c.redirect(back.toString(), 302);
  });

  app.post('/oauth/v2/token', async (c) => {
    const params = await tokenParams(c);
    if (!params) return tokenError(c, 'invalid_request');
    const grantType = params.grant_type;
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token') return tokenError(c, 'unsupported_grant_type');
    const client = params.client_id ? getClient(deps.db, params.client_id) : undefined;
    if (!client) return tokenError(c, 'invalid_client');
    if (params.client_secret !== client.client_secret) return tokenError(c, 'invalid_client_secret');
    const now = deps.clock.now();
    const dc = c.get('dc');
    const apiDomain = (orgId: string) => dcBaseUrl(deps.baseUrl(), getOrg(deps.db, orgId)!.dc);

    if (grantType === 'authorization_code') {
      const code = params.code ?? '';
      const pending = findGrant(deps.db, code);
      if (!pending) return tokenError(c, 'invalid_code');
      if (pending.client_id !== client.client_id) return tokenError(c, 'invalid_client');
      // A code is redeemed at its own data centre's accounts server only.
      if (getOrg(deps.db, pending.org_id)!.dc !== dc) return tokenError(c, 'invalid_client');
      if (pending.redirect_uri !== null && params.redirect_uri !== pending.redirect_uri) {
        return tokenError(c, 'invalid_redirect_uri');
      }
      const grant = deps.db.transaction(() => {
        const used = consumeGrant(deps.db, code, now);
        if (!used) return undefined;
        const refresh = used.issue_refresh === 1 ? issueRefreshToken(deps.db, used, now) : undefined;
        const access = issueAccessToken(deps.db, used, refresh?.token ?? null, now);
        return { used, refresh, access };
      })();
      if (!grant) return tokenError(c, 'invalid_code');
      return zohoJson(c, {
        access_token: grant.access.token,
        ...(grant.refresh ? { refresh_token: grant.refresh.token } : {}),
        scope: grant.used.scope.split(',').join(' '),
        api_domain: apiDomain(grant.used.org_id),
        token_type: 'Bearer',
        expires_in: 3600,
      });
    }

    const refresh = params.refresh_token ? getRefreshToken(deps.db, params.refresh_token) : undefined;
    if (!refresh || refresh.revoked_at !== null) return tokenError(c, 'invalid_code');
    if (refresh.client_id !== client.client_id) return tokenError(c, 'invalid_client');
    if (getOrg(deps.db, refresh.org_id)!.dc !== dc) return tokenError(c, 'invalid_client');
    if (accessTokensMintedSince(deps.db, refresh.token, now - REFRESH_WINDOW_MS) >= REFRESHES_PER_WINDOW) {
      return zohoJson(
        c,
        { error_description: 'You have made too many requests continuously. Please try again after some time.', error: 'Access Denied', status: 'failure' },
        400,
      );
    }
    const access = issueAccessToken(deps.db, refresh, refresh.token, now);
    return zohoJson(c, {
      access_token: access.token,
      scope: refresh.scope.split(',').join(' '),
      api_domain: apiDomain(refresh.org_id),
      token_type: 'Bearer',
      expires_in: 3600,
    });
  });

  app.post('/oauth/v2/token/revoke', async (c) => {
    const params = await tokenParams(c);
    const token = params?.token ?? '';
    const now = deps.clock.now();
    if (revokeRefreshToken(deps.db, token, now) || revokeAccessToken(deps.db, token, now)) return zohoJson(c, { status: 'success' });
    return zohoJson(c, { status: 'failure', error: 'invalid_token' }, 400);
  });

  app.get('/oauth/serverinfo', (c) =>
    zohoJson(c, {
      result: 'success',
      locations: Object.fromEntries(DATA_CENTRES.map((code) => [code, dcBaseUrl(deps.baseUrl(), code)])),
    }),
  );

  return app;
}
