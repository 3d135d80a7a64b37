import type { ReferralsRow } from './schema.js';
import type { Db } from './store.js';

/** Someone a reply named: pending until found or created in Zoho (then existing / created), or invalid / failed. */
export type Referral = ReferralsRow;

/**
 * Records the person a reply referred us to, once per message (the unique inbound id decides);
 * answers the new referral's id, or undefined when the message already has one.
 */
export async function addReferral(db: Db, input: { orgId: string; leadId: string; inboundId: number; name: string | null; email: string }, now: number): Promise<number | undefined> {
  const inserted = await db
    .insertInto('referrals')
    .values({ org_id: input.orgId, lead_id: input.leadId, inbound_id: input.inboundId, name: input.name, email: input.email, status: 'pending', created_at: now, updated_at: now })
    .onConflict((oc) => oc.column('inbound_id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted?.id;
}

export async function getReferral(db: Db, orgId: string, id: number): Promise<Referral | undefined> {
  return db.selectFrom('referrals').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

/** Sets a referral's status (invalid, failed); answers whether it was there. */
export async function setReferralStatus(db: Db, orgId: string, id: number, status: string, now: number): Promise<boolean> {
  const result = await db.updateTable('referrals').set({ status, updated_at: now }).where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * A pending referral found or created in Zoho: answers false when it is no longer pending (another
 * run settled it first), so that its notes and events are written once.
 */
export async function settleReferral(db: Db, id: number, outcome: { status: 'existing' | 'created'; module: string; recordId: string }, now: number): Promise<boolean> {
  const result = await db
    .updateTable('referrals')
    .set({ status: outcome.status, zoho_module: outcome.module, zoho_record_id: outcome.recordId, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
