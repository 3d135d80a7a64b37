import { cors } from 'hono/cors';

/**
 * Origins a Zoho widget is served from: Zoho-hosted extension files (zappscontents.com), Zoho CRM
 * itself per data centre, plus configured extras (an externally hosted widget, the sandbox).
 */
const ZOHO_WIDGET_ORIGINS = [
  /^https:\/\/[a-z0-9-]+(\.[a-z0-9-]+)*\.zappscontents\.com$/,
  /^https:\/\/crm\.zoho\.(com|eu|in|com\.au|jp|sa|uk|com\.cn)$/,
  /^https:\/\/crm\.zohocloud\.ca$/,
];

export function isAllowedOrigin(origin: string, extra: readonly string[]): boolean {
  return extra.includes(origin) || ZOHO_WIDGET_ORIGINS.some((pattern) => pattern.test(origin));
}

/** CORS for /api: an allow-list, never a wildcard, no cookies (the widget authenticates with a bearer key). */
export function apiCors(extraOrigins: readonly string[]) {
  return cors({
    origin: (origin) => (origin && isAllowedOrigin(origin, extraOrigins) ? origin : null),
    allowMethods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowHeaders: ['Authorization', 'Content-Type', 'X-Admin-Session', 'X-Request-Id'],
    exposeHeaders: ['X-Request-Id'],
    maxAge: 600,
    credentials: false,
  });
}
