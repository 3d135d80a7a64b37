import type { MiddlewareHandler } from 'hono';
import { bodyLimit as streamingBodyLimit } from 'hono/body-limit';
import type { AppEnv } from './context.js';
import { AppError } from './errors.js';

/**
 * Refuses a body over `maxSize` bytes with 413, before it is read. A request that declares its
 * length (Content-Length, no Transfer-Encoding: Node's parser holds the body to it) is judged by
 * the header alone, so the handler still reads the body straight from the socket. Hono's own
 * middleware reads `c.req.raw.body`, which makes @hono/node-server build a full web Request
 * around a ReadableStream: a third of a notification's cost in `npm run bench`. A chunked body
 * (no length) goes through Hono's middleware, which counts the bytes as they come.
 */
export function bodyLimit(maxSize: number, message: string): MiddlewareHandler<AppEnv> {
  const tooLarge = (): never => {
    throw new AppError(413, 'TOO_LARGE', message);
  };
  const streaming = streamingBodyLimit({ maxSize, onError: tooLarge });
  return async (c, next) => {
    const declared = c.req.header('content-length');
    if (declared === undefined || c.req.header('transfer-encoding') !== undefined) return streaming(c, next);
    if (Number(declared) > maxSize) tooLarge();
    await next();
  };
}
