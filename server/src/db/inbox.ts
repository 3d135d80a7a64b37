import type { Db } from './store.js';

/**
 * The inbox: every verified Zoho notification's body, kept a while for diagnosis (retention
 * prunes it), and what the webhook reads to tell whether a notification may concern an assistant.
 */

/** Stores a notification's body; answers its id (intake jobs are keyed by it). */
export async function addToInbox(db: Db, entry: { orgId: string; channelId: string; receivedAt: number; body: string }): Promise<number> {
  const row = await db
    .insertInto('inbox')
    .values({ org_id: entry.orgId, channel_id: entry.channelId, received_at: entry.receivedAt, body: entry.body })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Whether `zohoUserId` is one of the org's assistants' Zoho users. */
export async function isAssistantUser(db: Db, orgId: string, zohoUserId: string): Promise<boolean> {
  const row = await db.selectFrom('assistants').select('id').where('org_id', '=', orgId).where('zoho_user_id', '=', zohoUserId).limit(1).executeTakeFirst();
  return row !== undefined;
}

/** Whether the org has an assistant whose Zoho user is not matched yet (just created). */
export async function hasUnmatchedAssistant(db: Db, orgId: string): Promise<boolean> {
  const row = await db.selectFrom('assistants').select('id').where('org_id', '=', orgId).where('zoho_user_id', 'is', null).limit(1).executeTakeFirst();
  return row !== undefined;
}
