import type { ReplyIntent } from '../domain/reply-intents.js';
import { replyIntentOf } from './reply-phrases.js';
import type { ReplyExamplesRow } from './schema.js';
import { type Db, storable } from './store.js';

/** A reply a person corrected, as the classifier learns from it: its intent, own words and features (JSON). */
export interface StoredReplyExample extends Pick<ReplyExamplesRow, 'text' | 'features'> {
  intent: ReplyIntent;
}

/** The org's corrected replies, the most recent first (at most `limit`). */
export async function listReplyExamples(db: Db, orgId: string, limit = 500): Promise<StoredReplyExample[]> {
  const found = await db.selectFrom('reply_examples').select(['intent', 'text', 'features']).where('org_id', '=', orgId).orderBy('id', 'desc').limit(limit).execute();
  return found.flatMap((entry) => {
    const intent = replyIntentOf(entry.intent);
    return intent ? [{ ...entry, intent }] : [];
  });
}

/** A correction teaches the org: one example per message, the latest correction's intent winning. */
export async function saveReplyExample(db: Db, example: { orgId: string; inboundId: number; intent: ReplyIntent; text: string; features: readonly string[]; by: string }, now: number): Promise<void> {
  await db
    .insertInto('reply_examples')
    .values({ org_id: example.orgId, inbound_id: example.inboundId, intent: example.intent, text: storable(example.text), features: JSON.stringify(example.features), created_by: example.by, created_at: now })
    .onConflict((oc) =>
      oc.columns(['org_id', 'inbound_id']).doUpdateSet((eb) => ({
        intent: eb.ref('excluded.intent'),
        created_by: eb.ref('excluded.created_by'),
        created_at: eb.ref('excluded.created_at'),
      })),
    )
    .execute();
}
