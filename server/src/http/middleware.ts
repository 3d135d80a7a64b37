import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../lib/logger.js';
import type { AppEnv } from './context.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Every request gets an id (the caller's, when it sends a sane one), echoed in X-Request-Id. */
export function requestId(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const id = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    c.set('requestId', id);
    c.header('X-Request-Id', id);
    await next();
  };
}

/** One structured line per request: method, path (never the query, which may hold codes), status, time. */
export function requestLog(logger: Logger, now: () => number = () => performance.now()): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = now();
    const child = logger.child({ requestId: c.get('requestId') });
    c.set('logger', child);
    await next();
    child.info('request', { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(now() - started) });
  };
}

/** Defaults for every response: no sniffing, no caching of API answers, never framed. */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    c.res.headers.set('X-Content-Type-Options', 'nosniff');
    c.res.headers.set('Referrer-Policy', 'no-referrer');
    if (!c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', 'no-store');
    if (!c.res.headers.has('Content-Security-Policy')) c.res.headers.set('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
  };
}
