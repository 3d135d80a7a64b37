import type { Db } from './store.js';

/**
 * Emails counted per assistant per day (the day in the assistant's time zone, YYYY-MM-DD), for
 * the daily cap.
 */

/** How many emails the assistant has queued on `day`. */
export async function sentOn(db: Db, assistantId: string, day: string): Promise<number> {
  const row = await db.selectFrom('send_counts').select('sent').where('assistant_id', '=', assistantId).where('day', '=', day).executeTakeFirst();
  return row?.sent ?? 0;
}

/** The counts of `day` and every later day (days compare as text), for planning a send ahead. */
export async function sentFrom(db: Db, assistantId: string, day: string): Promise<Map<string, number>> {
  const rows = await db.selectFrom('send_counts').select(['day', 'sent']).where('assistant_id', '=', assistantId).where('day', '>=', day).execute();
  return new Map(rows.map((row) => [row.day, row.sent]));
}

/** Counts one more email on `day` (an upsert, so two processes counting at once both count). */
export async function countSend(db: Db, assistantId: string, day: string): Promise<void> {
  await db
    .insertInto('send_counts')
    .values({ assistant_id: assistantId, day, sent: 1 })
    .onConflict((oc) => oc.columns(['assistant_id', 'day']).doUpdateSet((eb) => ({ sent: eb('send_counts.sent', '+', 1) })))
    .execute();
}
