import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { CallerAuth, SandboxEnv } from './context.js';
import { zohoErrors } from './errors.js';

export type SandboxContext = Context<SandboxEnv>;

/** Zoho answers JSON with this exact type; the SDK picks its parser from it. */
export function zohoJson(c: SandboxContext, body: unknown, status: ContentfulStatusCode = 200): Response {
  return c.body(JSON.stringify(body), status, { 'content-type': 'application/json;charset=UTF-8' });
}

export function noContent(c: SandboxContext): Response {
  return c.body(null, 204);
}

/** Zoho's SDK sends JSON bodies without a Content-Type, so the body is parsed whatever it says. */
export async function readJson(c: SandboxContext): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') throw zohoErrors.invalidBody();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw zohoErrors.invalidBody();
  }
}

/** The array under `key` of a JSON body (`data`, `users`, `watch`, ...), or Zoho's error. */
export async function readList(c: SandboxContext, key: string, max: number): Promise<{ body: Record<string, unknown>; items: unknown[] }> {
  const body = await readJson(c);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw zohoErrors.invalidBody();
  const items = (body as Record<string, unknown>)[key];
  if (!Array.isArray(items)) throw zohoErrors.requiredParam(key);
  if (items.length === 0) throw zohoErrors.invalidData(`the ${key} list is empty`, { api_name: key });
  if (items.length > max) throw zohoErrors.limitExceeded(max, key);
  return { body: body as Record<string, unknown>, items };
}

export function auth(c: SandboxContext): CallerAuth {
  return c.get('auth');
}

interface ScopeNeed {
  service: string;
  path: string[];
  op: string;
}

function parseScope(scope: string): ScopeNeed | undefined {
  const parts = scope.split('.');
  if (parts.length < 3) return undefined;
  const service = parts[0]!.toLowerCase();
  const op = parts[parts.length - 1]!.toUpperCase();
  return { service, path: parts.slice(1, -1).map((part) => part.toLowerCase()), op };
}

function opCovers(granted: string, needed: string): boolean {
  if (granted === 'ALL' || granted === needed) return true;
  return granted === 'WRITE' && (needed === 'CREATE' || needed === 'UPDATE');
}

/** True when one of the granted scopes covers `needed` (a broader path or ALL covers narrower ones). */
export function scopeGranted(granted: readonly string[], needed: string): boolean {
  const need = parseScope(needed);
  if (!need) return false;
  return granted.some((scope) => {
    const have = parseScope(scope);
    if (!have || have.service !== need.service || have.path.length > need.path.length) return false;
    return have.path.every((part, index) => part === need.path[index]) && opCovers(have.op, need.op);
  });
}

/** Throws OAUTH_SCOPE_MISMATCH unless the caller's token carries every scope listed. */
export function requireScopes(c: SandboxContext, ...needed: string[]): void {
  const { scopes } = auth(c);
  for (const scope of needed) {
    if (!scopeGranted(scopes, scope)) throw zohoErrors.scopeMismatch(scope);
  }
}

export function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** A positive whole-number query parameter, or Zoho's INVALID_DATA naming it. */
export function parsePositiveInt(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < 1) throw zohoErrors.invalidData(`invalid value for ${name}`, { param_name: name });
  return Number(raw);
}
