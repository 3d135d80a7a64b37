import { addToInbox, hasUnmatchedAssistant, isAssistantUser } from '../db/inbox.js';
import { isRecordWorked } from '../db/leads.js';
import { recordNotification } from '../db/orgs.js';
import { transaction } from '../db/store.js';
import { WORKED_MODULES } from '../domain/modules.js';
import type { EngineDeps } from './context.js';
import { queueIntake } from './intake.js';

/** A Zoho notification, as the webhook validated it. */
export interface ZohoNotification {
  module: string;
  operation: 'insert' | 'update' | 'delete';
  ids: string[];
  affectedValues?: unknown;
}

/** The new owner a notification reports for a record, when it says (return_affected_field_values). */
function newOwnerOf(affected: unknown, id: string): string | undefined {
  if (!Array.isArray(affected)) return undefined;
  const entry: unknown = affected.find((item) => isObject(item) && item.record_id === id);
  const values = isObject(entry) ? entry.values : undefined;
  const owner = isObject(values) && isObject(values.Owner) ? values.Owner.id : undefined;
  return typeof owner === 'string' ? owner : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Skips records that cannot concern an assistant: the new owner is a person and no lead is being
 * worked for the record (e.g. our own handback). Anything uncertain goes to intake.
 */
async function mayConcernAssistant(deps: EngineDeps, orgId: string, module: string, id: string, newOwner: string | undefined): Promise<boolean> {
  if (newOwner === undefined) return true;
  if (await isAssistantUser(deps.db, orgId, newOwner)) return true;
  // An assistant whose Zoho user is not matched yet (just created) could be the new owner: let intake decide.
  if (await hasUnmatchedAssistant(deps.db, orgId)) return true;
  return isRecordWorked(deps.db, orgId, module, id);
}

/**
 * Commits a verified notification: its body to the inbox and one intake per record that may
 * concern an assistant to the jobs table, in one transaction (the caller's, when `deps.db` is
 * one: the webhook's group commit). A redelivery queues nothing new: intake jobs are keyed by
 * record and event time. Answers how many intakes were queued. `markOrg: false` leaves the org's
 * "last notification" time alone (the caller marked it under a minute ago).
 */
export async function acceptNotification(deps: EngineDeps, orgId: string, channelId: string, body: string, notification: ZohoNotification, options: { markOrg: boolean }): Promise<number> {
  const now = deps.clock.now();
  return transaction(deps.db, async (tx) => {
    const within: EngineDeps = { ...deps, db: tx };
    const inboxId = await addToInbox(tx, { orgId, channelId, receivedAt: now, body });
    if (options.markOrg) await recordNotification(tx, orgId, now);
    if (!(WORKED_MODULES as readonly string[]).includes(notification.module)) return 0;
    let queued = 0;
    // One intake per record per delivery: intake decides from Zoho's current state, so a repeat is harmless.
    for (const id of notification.ids) {
      // A deleted record matters only if we are working it: intake finds it gone and stops the lead.
      if (notification.operation === 'delete' && !(await isRecordWorked(tx, orgId, notification.module, id))) continue;
      if (notification.operation !== 'delete' && !(await mayConcernAssistant(within, orgId, notification.module, id, newOwnerOf(notification.affectedValues, id)))) continue;
      if (await queueIntake(within, orgId, notification.module, id, `inbox${String(inboxId)}`, 'changed', now)) queued += 1;
    }
    return queued;
  });
}
