import type { MailboxCursorsRow } from './schema.js';
import type { Db } from './store.js';

/** How far an assistant's mailbox has been read (the folder's UIDVALIDITY and the last UID), and the last poll's error. */
export type MailboxStatus = Pick<MailboxCursorsRow, 'uid_validity' | 'last_uid' | 'polled_at' | 'last_error'>;

export async function mailboxStatus(deps: { db: Db }, orgId: string, assistantId: string): Promise<MailboxStatus | undefined> {
  return deps.db.selectFrom('mailbox_cursors').select(['uid_validity', 'last_uid', 'polled_at', 'last_error']).where('org_id', '=', orgId).where('assistant_id', '=', assistantId).executeTakeFirst();
}

/** Where the mailbox was read to, when, and the error (null when the poll went well). */
export async function saveMailboxCursor(db: Db, orgId: string, assistantId: string, cursor: { uidValidity: string; lastUid: number }, error: string | null, now: number): Promise<void> {
  await db
    .insertInto('mailbox_cursors')
    .values({ assistant_id: assistantId, org_id: orgId, uid_validity: cursor.uidValidity, last_uid: cursor.lastUid, polled_at: now, last_error: error })
    .onConflict((oc) =>
      oc.column('assistant_id').doUpdateSet((eb) => ({
        uid_validity: eb.ref('excluded.uid_validity'),
        last_uid: eb.ref('excluded.last_uid'),
        polled_at: eb.ref('excluded.polled_at'),
        last_error: eb.ref('excluded.last_error'),
      })),
    )
    .execute();
}

/** Forgets how far the mailbox was read (new settings): the next poll starts at what arrives from then on. */
export async function deleteMailboxCursor(db: Db, orgId: string, assistantId: string): Promise<void> {
  await db.deleteFrom('mailbox_cursors').where('org_id', '=', orgId).where('assistant_id', '=', assistantId).execute();
}
