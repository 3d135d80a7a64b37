import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { rateLimiter } from 'hono-rate-limiter';
import type { AppEnv } from './context.js';

import type { ErrorEnvelope } from './errors.js';

/**
 * Per-client request limits (hono-rate-limiter, a fixed window in memory per process) on what
 * anyone on the internet can call: the OAuth start, the inbound-mail webhook, the unsubscribe
 * links and the API. A client is its address: the socket's, or with TRUST_PROXY=true the last
 * X-Forwarded-For entry (the one our own reverse proxy appended; earlier entries are the caller's
 * word). Several processes each count their own clients, so the limit scales with them.
 */
const WINDOW_MS = 60_000;

export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',').map((entry) => entry.trim()).filter(Boolean);
    if (forwarded && forwarded.length > 0) return forwarded[forwarded.length - 1]!.slice(0, 64);
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // app.request() in tests has no socket.
    return 'unknown';
  }
}

export function limitPerClient(name: string, perMinute: number, trustProxy: boolean, skip?: (c: Context<AppEnv>) => boolean | Promise<boolean>): MiddlewareHandler<AppEnv> {
  if (perMinute <= 0) return async (_c, next) => next();
  return rateLimiter<AppEnv>({
    windowMs: WINDOW_MS,
    limit: perMinute,
    standardHeaders: 'draft-7',
    keyGenerator: (c) => `${name}:${clientAddress(c, trustProxy)}`,
    ...(skip ? { skip } : {}),
    handler: (c) => {
      c.header('Retry-After', '60');
      const body: ErrorEnvelope = { error: { code: 'RATE_LIMITED', message: `Too many requests from your address to ${name}: at most ${perMinute} a minute. Try again in a minute.`, requestId: c.get('requestId') } };
      return c.json(body, 429);
    },
  });
}
