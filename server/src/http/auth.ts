import type { Context, MiddlewareHandler } from 'hono';
import type { AdminSessions } from '../auth/admin-sessions.js';
import { findOrgIdByWidgetKeyHash } from '../db/org-setup.js';
import { findOrgByZohoId, getOrg, type OrgRow } from '../db/orgs.js';
import { safeEqual, sha256 } from '../lib/token-cipher.js';
import { ZohoApiError, ZohoAuthorizationError, ZohoOAuthError, ZohoRateLimitedError, ZohoUnavailableError } from '../zoho/errors.js';
import type { AppDeps, AppEnv, Caller } from './context.js';
import { AppError, appErrors } from './errors.js';

/**
 * Who is calling /api: the widget with its org's widget key (Authorization: Bearer <key>), or an
 * operator with ADMIN_TOKEN and X-Zoho-Org-Id. Anything else is 401 before any work is done.
 */
export function authenticate(deps: AppDeps, sessions: AdminSessions): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = header.trim().match(/^Bearer\s+(\S{16,512})$/i);
    if (!match) throw appErrors.unauthorized();
    const presented = match[1]!;
    let org: OrgRow | undefined;
    let kind: Caller['kind'] = 'widget';
    if (deps.config.adminToken && safeEqual(presented, deps.config.adminToken)) {
      const zohoOrgId = c.req.header('x-zoho-org-id');
      if (!zohoOrgId) throw appErrors.validation('Operator calls name their org in X-Zoho-Org-Id (the Zoho org id).');
      org = await findOrgByZohoId(deps.db, zohoOrgId);
      if (!org) throw appErrors.notFound(`Org ${zohoOrgId}`);
      kind = 'operator';
    } else {
      const orgId = await findOrgIdByWidgetKeyHash(deps.db, sha256(presented));
      org = orgId ? await getOrg(deps.db, orgId) : undefined;
      if (!org || org.status === 'disconnected') throw appErrors.unauthorized('The widget key is not valid (it may have been rotated).');
    }
    const sessionToken = c.req.header('x-admin-session');
    const session = sessionToken ? sessions.verify(sessionToken) : undefined;
    c.set('caller', { org, kind, admin: session && session.orgId === org.id ? { zohoUserId: session.zohoUserId, email: session.email } : undefined });
    await next();
  };
}

/**
 * Admin actions need an operator, or an administrator who signed in through Zoho's own login
 * (/oauth/zoho/start?purpose=admin) and sends the resulting session as X-Admin-Session. The widget
 * key alone never suffices: every user of the org can read it.
 */
export function requireAdmin(c: Context<AppEnv>): void {
  const caller = c.get('caller');
  if (caller.kind === 'operator' || caller.admin) return;
  throw appErrors.forbidden('This action needs a Zoho CRM administrator: sign in from the settings tab (Sign in as administrator).');
}

/** Runs a gateway call, turning Zoho trouble into the API's own errors. */
export async function zohoCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ZohoAuthorizationError) throw appErrors.orgNotAuthorized('authorization_expired');
    if (error instanceof ZohoRateLimitedError) throw appErrors.zohoRateLimited();
    if (error instanceof ZohoUnavailableError) throw appErrors.zohoUnavailable('Zoho did not answer in time; try again shortly.');
    if (error instanceof ZohoApiError) throw new AppError(502, 'ZOHO_ERROR', `Zoho refused the request (${error.code}).`, { zohoCode: error.code });
    if (error instanceof ZohoOAuthError) throw new AppError(502, 'ZOHO_ERROR', `Zoho Accounts refused the request (${error.code}).`, { zohoCode: error.code });
    throw error;
  }
}
