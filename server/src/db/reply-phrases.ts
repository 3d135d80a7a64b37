import { randomUUID } from 'node:crypto';
import { REPLY_INTENTS, type ReplyIntent } from '../domain/reply-intents.js';
import type { ReplyPhrasesRow } from './schema.js';
import type { Db } from './store.js';

/** An org's taught phrases ("teach your assistant"): phrase → intent. */
export interface ReplyPhrase extends Pick<ReplyPhrasesRow, 'id' | 'phrase' | 'created_at'> {
  intent: ReplyIntent;
}

/** A phrase as the classifier takes it. */
export interface TaughtPhraseRow {
  phrase: string;
  intent: ReplyIntent;
}

/** A stored intent (TEXT) as one of ours; null for anything else (never written by us). */
export function replyIntentOf(value: string | null): ReplyIntent | null {
  return REPLY_INTENTS.find((intent) => intent === value) ?? null;
}

/** Rows whose intent is one of ours, with it typed as such. */
function withIntent<T extends { intent: string }>(found: T[]): (Omit<T, 'intent'> & { intent: ReplyIntent })[] {
  return found.flatMap((entry) => {
    const intent = replyIntentOf(entry.intent);
    return intent ? [{ ...entry, intent }] : [];
  });
}

export async function listReplyPhrases(db: Db, orgId: string): Promise<ReplyPhrase[]> {
  return withIntent(await db.selectFrom('reply_phrases').select(['id', 'phrase', 'intent', 'created_at']).where('org_id', '=', orgId).orderBy('created_at').orderBy('id').execute());
}

/** The org's phrases for the classifier: the longest first, so that a longer phrase wins over one it contains. */
export async function listTaughtPhrases(db: Db, orgId: string): Promise<TaughtPhraseRow[]> {
  return withIntent(
    await db
      .selectFrom('reply_phrases')
      .select(['phrase', 'intent'])
      .where('org_id', '=', orgId)
      .orderBy((eb) => eb.fn('length', ['phrase']), 'desc')
      // Then by the phrase: both engines give phrases of one length in the same order.
      .orderBy('phrase')
      .execute(),
  );
}

/** Answers the new phrase's id, or null when the org already teaches this phrase. */
export async function addReplyPhrase(db: Db, orgId: string, phrase: string, intent: ReplyIntent, now: number): Promise<string | null> {
  const inserted = await db
    .insertInto('reply_phrases')
    .values({ id: randomUUID(), org_id: orgId, phrase, intent, created_at: now })
    .onConflict((oc) => oc.columns(['org_id', 'phrase']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted?.id ?? null;
}

export async function deleteReplyPhrase(db: Db, orgId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('reply_phrases').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
