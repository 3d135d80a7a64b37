import type { Db } from '../../db/open-db.js';
import { clientId, randomHex, zohoToken } from './ids.js';

export interface ClientRow {
  client_id: string;
  client_secret: string;
  name: string;
  redirect_uris: string;
  created_time: number;
}

export interface GrantRow {
  code: string;
  client_id: string;
  org_id: string;
  user_id: string;
  scope: string;
  redirect_uri: string | null;
  issue_refresh: number;
  expires_at: number;
  used_at: number | null;
}

export interface TokenRow {
  token: string;
  refresh_token: string | null;
  client_id: string;
  org_id: string;
  user_id: string;
  scope: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export interface RefreshTokenRow {
  token: string;
  client_id: string;
  org_id: string;
  user_id: string;
  scope: string;
  created_at: number;
  revoked_at: number | null;
}

export const ACCESS_TOKEN_TTL_MS = 60 * 60 * 1000;
export const GRANT_TTL_MS = 2 * 60 * 1000;
/** Zoho keeps at most 20 refresh tokens per user and client; the 21st deletes the oldest. */
const MAX_REFRESH_TOKENS = 20;

export function createClient(
  db: Db,
  input: { name: string; redirectUris: string[]; clientId?: string | undefined; clientSecret?: string | undefined },
  now: number,
): ClientRow {
  const row: ClientRow = {
    client_id: input.clientId ?? clientId(),
    client_secret: input.clientSecret ?? randomHex(21),
    name: input.name,
    redirect_uris: JSON.stringify(input.redirectUris),
    created_time: now,
  };
  db.prepare(
    `INSERT INTO clients (client_id, client_secret, name, redirect_uris, created_time)
     VALUES (@client_id, @client_secret, @name, @redirect_uris, @created_time)`,
  ).run(row);
  return row;
}

export function getClient(db: Db, id: string): ClientRow | undefined {
  return db.prepare('SELECT * FROM clients WHERE client_id = ?').get(id) as ClientRow | undefined;
}

export function addRedirectUri(db: Db, client: ClientRow, uri: string): void {
  const uris = redirectUris(client);
  if (uris.includes(uri)) return;
  db.prepare('UPDATE clients SET redirect_uris = ? WHERE client_id = ?').run(JSON.stringify([...uris, uri]), client.client_id);
}

export function redirectUris(client: ClientRow): string[] {
  return JSON.parse(client.redirect_uris) as string[];
}

export function createGrant(
  db: Db,
  input: Omit<GrantRow, 'code' | 'expires_at' | 'used_at'> & { ttlMs?: number },
  now: number,
): GrantRow {
  const { ttlMs, ...rest } = input;
  const row: GrantRow = { ...rest, code: zohoToken(), expires_at: now + (ttlMs ?? GRANT_TTL_MS), used_at: null };
  db.prepare(
    `INSERT INTO grants (code, client_id, org_id, user_id, scope, redirect_uri, issue_refresh, expires_at, used_at)
     VALUES (@code, @client_id, @org_id, @user_id, @scope, @redirect_uri, @issue_refresh, @expires_at, @used_at)`,
  ).run(row);
  return row;
}

export function findGrant(db: Db, code: string): GrantRow | undefined {
  return db.prepare('SELECT * FROM grants WHERE code = ?').get(code) as GrantRow | undefined;
}

/** Marks a code used; answers undefined when it is unknown, used or expired (Zoho: `invalid_code`). */
export function consumeGrant(db: Db, code: string, now: number): GrantRow | undefined {
  const row = findGrant(db, code);
  if (!row || row.used_at !== null || row.expires_at <= now) return undefined;
  const changed = db.prepare('UPDATE grants SET used_at = ? WHERE code = ? AND used_at IS NULL').run(now, code).changes;
  return changed === 1 ? row : undefined;
}

export function hasRefreshTokenFor(db: Db, clientId: string, userId: string): boolean {
  return (
    db.prepare('SELECT 1 FROM refresh_tokens WHERE client_id = ? AND user_id = ? AND revoked_at IS NULL').get(clientId, userId) !==
    undefined
  );
}

export function issueRefreshToken(db: Db, grant: GrantRow, now: number): RefreshTokenRow {
  const row: RefreshTokenRow = {
    token: zohoToken(),
    client_id: grant.client_id,
    org_id: grant.org_id,
    user_id: grant.user_id,
    scope: grant.scope,
    created_at: now,
    revoked_at: null,
  };
  db.prepare(
    `INSERT INTO refresh_tokens (token, client_id, org_id, user_id, scope, created_at, revoked_at)
     VALUES (@token, @client_id, @org_id, @user_id, @scope, @created_at, @revoked_at)`,
  ).run(row);
  const live = db
    .prepare(
      `SELECT token FROM refresh_tokens WHERE client_id = ? AND user_id = ? AND revoked_at IS NULL
       ORDER BY created_at DESC, rowid DESC`,
    )
    .all(grant.client_id, grant.user_id) as { token: string }[];
  for (const old of live.slice(MAX_REFRESH_TOKENS)) revokeRefreshToken(db, old.token, now);
  return row;
}

export function getRefreshToken(db: Db, token: string): RefreshTokenRow | undefined {
  return db.prepare('SELECT * FROM refresh_tokens WHERE token = ?').get(token) as RefreshTokenRow | undefined;
}

export function issueAccessToken(
  db: Db,
  source: { client_id: string; org_id: string; user_id: string; scope: string },
  refreshToken: string | null,
  now: number,
): TokenRow {
  const row: TokenRow = {
    token: zohoToken(),
    refresh_token: refreshToken,
    client_id: source.client_id,
    org_id: source.org_id,
    user_id: source.user_id,
    scope: source.scope,
    created_at: now,
    expires_at: now + ACCESS_TOKEN_TTL_MS,
    revoked_at: null,
  };
  db.prepare(
    `INSERT INTO access_tokens (token, refresh_token, client_id, org_id, user_id, scope, created_at, expires_at, revoked_at)
     VALUES (@token, @refresh_token, @client_id, @org_id, @user_id, @scope, @created_at, @expires_at, @revoked_at)`,
  ).run(row);
  return row;
}

/** How many access tokens a refresh token minted since `since` (Zoho allows 10 per 10 minutes). */
export function accessTokensMintedSince(db: Db, refreshToken: string, since: number): number {
  const row = db
    .prepare('SELECT COUNT(*) AS n FROM access_tokens WHERE refresh_token = ? AND created_at > ?')
    .get(refreshToken, since) as { n: number };
  return row.n;
}

export function findLiveAccessToken(db: Db, token: string, now: number): TokenRow | undefined {
  const row = db.prepare('SELECT * FROM access_tokens WHERE token = ?').get(token) as TokenRow | undefined;
  if (!row || row.revoked_at !== null || row.expires_at <= now) return undefined;
  return row;
}

/** Revoking a refresh token revokes every access token minted from it. */
export function revokeRefreshToken(db: Db, token: string, now: number): boolean {
  const changed = db.prepare('UPDATE refresh_tokens SET revoked_at = ? WHERE token = ? AND revoked_at IS NULL').run(now, token).changes;
  db.prepare('UPDATE access_tokens SET revoked_at = ? WHERE refresh_token = ? AND revoked_at IS NULL').run(now, token);
  return changed === 1;
}

export function revokeAccessToken(db: Db, token: string, now: number): boolean {
  return db.prepare('UPDATE access_tokens SET revoked_at = ? WHERE token = ? AND revoked_at IS NULL').run(now, token).changes === 1;
}
