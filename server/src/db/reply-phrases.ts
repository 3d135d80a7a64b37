import { randomUUID } from 'node:crypto';
import type { ReplyIntent } from '../domain/reply-intents.js';
import type { Db } from './open-db.js';

/** An org's taught phrases ("teach your assistant"): phrase → intent. */
export interface ReplyPhrase {
  id: string;
  phrase: string;
  intent: ReplyIntent;
  created_at: number;
}

export function listReplyPhrases(db: Db, orgId: string): ReplyPhrase[] {
  return db.prepare('SELECT id, phrase, intent, created_at FROM reply_phrases WHERE org_id = ? ORDER BY created_at, id').all(orgId) as ReplyPhrase[];
}

/** Answers the new phrase's id, or null when the org already teaches this phrase. */
export function addReplyPhrase(db: Db, orgId: string, phrase: string, intent: ReplyIntent, now: number): string | null {
  const id = randomUUID();
  const inserted = db.prepare('INSERT INTO reply_phrases (id, org_id, phrase, intent, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (org_id, phrase) DO NOTHING').run(id, orgId, phrase, intent, now).changes;
  return inserted === 1 ? id : null;
}

export function deleteReplyPhrase(db: Db, orgId: string, id: string): boolean {
  return db.prepare('DELETE FROM reply_phrases WHERE org_id = ? AND id = ?').run(orgId, id).changes === 1;
}
