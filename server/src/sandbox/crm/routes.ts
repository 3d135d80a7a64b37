import { Hono } from 'hono';
import type { SandboxDeps, SandboxEnv } from '../context.js';
import { zohoErrors } from '../errors.js';
import { findLiveAccessToken } from '../store/auth.js';
import { getOrg, getUser } from '../store/orgs.js';
import { registerCoqlRoutes } from './coql-routes.js';
import { registerNoteRoutes } from './notes-routes.js';
import { registerRecordRoutes } from './records-routes.js';
import { registerSettingsRoutes } from './settings-routes.js';
import { registerTimelineRoutes } from './timeline-routes.js';
import { registerUserRoutes } from './users-routes.js';
import { registerWatchRoutes } from './watch-routes.js';

const HALF = 0.5;

/** `/crm/v8/*`: every call authenticated by its access token, then admitted by the org's limits. */
export function createCrmRoutes(deps: SandboxDeps): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();
  const faults = deps.faults.middleware();

  app.use('*', async (c, next) => {
    const header = c.req.header('authorization');
    if (header === undefined || header.trim() === '') throw zohoErrors.invalidToken();
    const match = /^Zoho-oauthtoken\s+(\S+)$/i.exec(header.trim());
    if (!match) throw zohoErrors.authenticationFailure();
    const token = findLiveAccessToken(deps.db, match[1]!, deps.clock.now());
    const org = token ? getOrg(deps.db, token.org_id) : undefined;
    // A token is only valid on its own data centre's API domain.
    if (!token || !org || org.dc !== c.get('dc')) throw zohoErrors.invalidToken();
    const user = getUser(deps.db, org.id, token.user_id);
    if (!user || user.status !== 'active') throw zohoErrors.invalidToken();
    c.set('auth', { org, user, token, scopes: token.scope.split(/[ ,]+/).filter(Boolean) });
    c.set('credits', 1);

    const release = deps.limiter.admit(org);
    try {
      const injected = await faults(c, next);
      if (injected instanceof Response) c.res = injected;
      // Zoho charges for answered calls; refused ones (401, 429) and server faults cost nothing.
      if (c.res.status < 500 && c.res.status !== 401 && c.res.status !== 429) deps.limiter.charge(org.id, c.get('credits'), { method: c.req.method, path: c.req.path.replace(/\/\d{6,}/g, '/{id}') });
    } finally {
      release();
    }
    const used = deps.limiter.creditsUsed(org.id);
    if (used >= org.credits_per_day * HALF) {
      c.res.headers.set('X-API-CREDITS-REMAINING', String(Math.max(0, org.credits_per_day - used)));
    }
  });

  // Fixed paths first: `/:module` would otherwise claim them.
  registerUserRoutes(app, deps);
  registerCoqlRoutes(app, deps);
  registerSettingsRoutes(app, deps);
  registerWatchRoutes(app, deps);
  registerNoteRoutes(app, deps);
  registerTimelineRoutes(app, deps);
  registerRecordRoutes(app, deps);
  return app;
}
