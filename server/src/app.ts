import { Hono } from 'hono';
import type { AppDeps, AppEnv } from './http/context.js';
import { AdminSessions } from './auth/admin-sessions.js';
import { authenticate } from './http/auth.js';
import { apiCors } from './http/cors.js';
import { AppError, type ErrorEnvelope } from './http/errors.js';
import { requestId, requestLog, securityHeaders } from './http/middleware.js';
import { limitPerClient } from './http/rate-limits.js';
import { assistantsApi } from './routes/api-assistants.js';
import { orgApi } from './routes/api-org.js';
import { leadsApi } from './routes/api-leads.js';
import { repliesApi } from './routes/api-replies.js';
import { connectorApi } from './routes/api-connector.js';
import { oauthRoutes } from './routes/oauth.js';
import { unsubscribeRoutes } from './routes/unsubscribe.js';
import { webhookRoutes } from './routes/webhooks.js';
import { widgetFiles } from './routes/widget-files.js';
import { ping } from './db/store.js';

/** The backend's HTTP app. Everything it uses comes in through `deps`; main.ts builds the real ones. */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const sessions = new AdminSessions(deps.cipher.deriveKey('admin-session'), deps.clock);
  const extraOrigins = [...deps.config.widgetOrigins, ...(deps.config.zohoSandboxUrl ? [new URL(deps.config.zohoSandboxUrl).origin] : [])];

  app.use('*', requestId());
  app.use('*', requestLog(deps.logger));
  app.use('*', securityHeaders());

  app.onError((error, c) => {
    const requestIdValue = c.get('requestId') ?? 'unknown';
    if (error instanceof AppError) {
      const body: ErrorEnvelope = { error: { code: error.code, message: error.message, requestId: requestIdValue, ...(error.details === undefined ? {} : { details: error.details }) } };
      return c.json(body, error.status);
    }
    (c.get('logger') ?? deps.logger).error('unhandled error', { error, path: c.req.path });
    const body: ErrorEnvelope = { error: { code: 'INTERNAL', message: 'Something went wrong on our side; the request id helps us find it.', requestId: requestIdValue } };
    return c.json(body, 500);
  });
  app.notFound((c) => {
    const body: ErrorEnvelope = { error: { code: 'NOT_FOUND', message: `No route for ${c.req.method} ${c.req.path}.`, requestId: c.get('requestId') } };
    return c.json(body, 404);
  });

  app.get('/healthz', async (c) => {
    await ping(deps.db);
    return c.json({ status: 'ok', time: new Date(deps.clock.now()).toISOString() });
  });

  const limits = deps.config.rateLimits;
  // A sign-in that shows it is an org's (a ticket from the settings tab, which holds the widget key) skips the per-client limit.
  app.use('/oauth/zoho/start', limitPerClient('/oauth', limits.oauth, limits.trustProxy, (c) => sessions.verifyTicket(c.req.query('ticket')) !== undefined));
  app.use('/oauth/zoho/callback', limitPerClient('/oauth', limits.oauth, limits.trustProxy));
  app.use('/webhooks/inbound', limitPerClient('/webhooks/inbound', limits.webhook, limits.trustProxy));
  app.use('/unsubscribe/*', limitPerClient('/unsubscribe', limits.unsubscribe, limits.trustProxy));
  app.route('/oauth/zoho', oauthRoutes(deps, sessions, extraOrigins));
  app.route('/webhooks', webhookRoutes(deps, deps.engine));
  app.route('/unsubscribe', unsubscribeRoutes(deps, deps.engine));
  app.route('/app', widgetFiles(deps, extraOrigins));

  app.use('/api/*', apiCors(extraOrigins));
  app.use('/api/*', limitPerClient('/api', limits.api, limits.trustProxy, (c) => c.req.method === 'OPTIONS'));
  app.use('/api/*', authenticate(deps, sessions));
  // A ticket for the settings tab's admin sign-in (any holder of the widget key; it only proves that).
  app.post('/api/sign-in-ticket', (c) => c.json(sessions.issueTicket(c.get('caller').org.id)));
  app.route('/api', orgApi(deps));
  app.route('/api', assistantsApi(deps, deps.engine));
  app.route('/api', leadsApi(deps, deps.engine));
  app.route('/api', repliesApi(deps));
  app.route('/api', connectorApi(deps));

  return app;
}
