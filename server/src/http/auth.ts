import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { findOrgIdByWidgetKeyHash } from '../db/org-setup.js';
import { findOrgByZohoId, getOrg, type OrgRow } from '../db/orgs.js';
import { sha256 } from '../lib/token-cipher.js';
import { ZohoAuthorizationError, ZohoRateLimitedError, ZohoUnavailableError } from '../zoho/errors.js';
import { connectionOf } from '../services/org-setup.js';
import type { AppDeps, AppEnv, Caller } from './context.js';
import { appErrors } from './errors.js';

const ADMIN_CACHE_MS = 5 * 60 * 1000;
const ZOHO_ID = /^\d{1,19}$/;

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(sha256(given), 'hex');
  const b = Buffer.from(sha256(expected), 'hex');
  return timingSafeEqual(a, b);
}

/**
 * Who is calling /api: the widget with its org's widget key (Authorization: Bearer <key>), or an
 * operator with ADMIN_TOKEN and X-Zoho-Org-Id. Anything else is 401 before any work is done.
 */
export function authenticate(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S{16,512})$/i.exec(header.trim());
    if (!match) throw appErrors.unauthorized();
    const presented = match[1]!;
    let org: OrgRow | undefined;
    let kind: Caller['kind'] = 'widget';
    if (deps.config.adminToken && sameSecret(presented, deps.config.adminToken)) {
      const zohoOrgId = c.req.header('x-zoho-org-id');
      if (!zohoOrgId) throw appErrors.validation('Operator calls name their org in X-Zoho-Org-Id (the Zoho org id).');
      org = findOrgByZohoId(deps.db, zohoOrgId);
      if (!org) throw appErrors.notFound(`Org ${zohoOrgId}`);
      kind = 'operator';
    } else {
      const orgId = findOrgIdByWidgetKeyHash(deps.db, sha256(presented));
      org = orgId ? getOrg(deps.db, orgId) : undefined;
      if (!org || org.status === 'disconnected') throw appErrors.unauthorized('The widget key is not valid (it may have been rotated).');
    }
    const userId = c.req.header('x-zoho-user-id');
    c.set('caller', { org, kind, zohoUserId: userId && ZOHO_ID.test(userId) ? userId : undefined });
    await next();
  };
}

/** Admin actions: operators, or a widget caller whose Zoho user is an admin of the org (checked with Zoho, cached briefly). */
export class AdminCheck {
  private readonly cache = new Map<string, { admins: Set<string>; at: number }>();

  constructor(private readonly deps: AppDeps) {}

  async require(c: Context<AppEnv>): Promise<void> {
    const caller = c.get('caller');
    if (caller.kind === 'operator') return;
    if (!caller.zohoUserId) throw appErrors.forbidden('This action needs a Zoho CRM administrator; send the calling user in X-Zoho-User-Id.');
    const admins = await this.admins(caller.org);
    if (!admins.has(caller.zohoUserId)) throw appErrors.forbidden('Only a Zoho CRM administrator of this org can do this.');
  }

  forget(orgId: string): void {
    this.cache.delete(orgId);
  }

  private async admins(org: OrgRow): Promise<Set<string>> {
    const cached = this.cache.get(org.id);
    if (cached && this.deps.clock.now() - cached.at < ADMIN_CACHE_MS) return cached.admins;
    if (org.status !== 'active') throw appErrors.orgNotAuthorized(org.status);
    const users = await zohoCall(() => this.deps.gateway.listUsers(connectionOf(org), 'AdminUsers'));
    const admins = new Set(users.filter((user) => user.status === 'active').map((user) => user.id));
    this.cache.set(org.id, { admins, at: this.deps.clock.now() });
    return admins;
  }
}

/** Runs a gateway call, turning Zoho trouble into the API's own errors. */
export async function zohoCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ZohoAuthorizationError) throw appErrors.orgNotAuthorized('authorization_expired');
    if (error instanceof ZohoRateLimitedError) throw appErrors.zohoRateLimited();
    if (error instanceof ZohoUnavailableError) throw appErrors.zohoUnavailable('Zoho did not answer in time; try again shortly.');
    throw error;
  }
}
