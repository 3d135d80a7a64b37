import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/open-db.js';

/** Next value of a named counter, inside the caller's transaction when there is one. */
export function nextSequence(db: Db, name: string, start = 1): number {
  const row = db
    .prepare(
      `INSERT INTO sequences (name, value) VALUES (?, ?)
       ON CONFLICT (name) DO UPDATE SET value = value + 1
       RETURNING value`,
    )
    .get(name, start) as { value: number };
  return row.value;
}

/** Zoho ids are 18-19 digit strings; ours are the org's 7-digit prefix plus a 12-digit counter. */
export function nextRecordId(db: Db, orgPrefix: string): string {
  return `${orgPrefix}${String(nextSequence(db, `id:${orgPrefix}`, 1000)).padStart(12, '0')}`;
}

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** Tokens and codes look like Zoho's: `1000.<32 hex>.<32 hex>`. */
export function zohoToken(): string {
  return `1000.${randomHex(16)}.${randomHex(16)}`;
}

export function clientId(): string {
  return `1000.${randomBytes(15).toString('base64url').replace(/[^A-Za-z0-9]/g, 'X').toUpperCase()}`;
}

/** Zoho reports times as ISO 8601 with an offset, in whole seconds. */
export function zohoTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', '+00:00');
}
