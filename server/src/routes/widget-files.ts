import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../http/context.js';
import { appErrors } from '../http/errors.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};
/** zet's own name rules, so nothing here could not also be in the extension zip. */
const SAFE_PATH = /^(?:[A-Za-z0-9_$-]+\/)*[A-Za-z0-9_.$-]+$/;
const ZOHO_FRAME_ANCESTORS = 'https://*.zoho.com https://*.zoho.eu https://*.zoho.in https://*.zoho.com.au https://*.zoho.jp https://*.zoho.sa https://*.zoho.uk https://*.zoho.com.cn https://*.zohocloud.ca';
const ZOHO_SDK_ORIGIN = 'https://live.zwidgets.com';

/**
 * The built widget at /app/, for an externally hosted widget and for the sandbox's CRM page: it may
 * be framed by Zoho CRM (and the configured extra origins) only, loads Zoho's SDK from Zoho's CDN
 * (or the sandbox's stand-in), and talks to this backend only.
 */
export function widgetFiles(deps: AppDeps, extraOrigins: readonly string[]): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const extra = extraOrigins.join(' ');
  const csp = [
    "default-src 'none'",
    `script-src 'self' ${ZOHO_SDK_ORIGIN} ${extra}`.trim(),
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${ZOHO_FRAME_ANCESTORS} ${extra}`.trim(),
  ].join('; ');

  app.get('/*', async (c) => {
    const path = decodeURIComponent(c.req.path.replace(/^\/app\/?/, '')) || 'widget.html';
    if (!SAFE_PATH.test(path) || path.split('/').some((part) => part.startsWith('.'))) throw appErrors.notFound('That widget file');
    const type = TYPES[extname(path)];
    if (!type) throw appErrors.notFound('That widget file');
    let body: Buffer;
    try {
      body = await readFile(join(deps.config.widgetDir, path));
    } catch {
      throw appErrors.notFound(`The widget file ${path} (run npm run build)`);
    }
    c.header('Content-Type', type);
    c.header('Content-Security-Policy', csp);
    // Hashed assets never change; pages must be re-read to pick up a new build.
    c.header('Cache-Control', path.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    return c.body(new Uint8Array(body));
  });
  return app;
}
