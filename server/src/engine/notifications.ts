import { recordNotification } from '../db/orgs.js';
import { WORKED_MODULES } from '../domain/modules.js';
import type { EngineDeps } from './context.js';
import { queueIntake } from './intake.js';
import { isRecordWorked } from './leads.js';

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
function mayConcernAssistant(deps: EngineDeps, orgId: string, module: string, id: string, newOwner: string | undefined): boolean {
  if (newOwner === undefined) return true;
  const isAssistant = deps.db.prepare('SELECT 1 FROM assistants WHERE org_id = ? AND zoho_user_id = ?').get(orgId, newOwner) !== undefined;
  if (isAssistant) return true;
  // An assistant whose Zoho user is not matched yet (just created) could be the new owner: let intake decide.
  if (deps.db.prepare('SELECT 1 FROM assistants WHERE org_id = ? AND zoho_user_id IS NULL').get(orgId) !== undefined) return true;
  return isRecordWorked(deps.db, orgId, module, id);
}

/**
 * Commits a verified notification: its body to the inbox and one intake per record that may
 * concern an assistant to the jobs table, in one transaction. A redelivery queues nothing new:
 * intake jobs are keyed by record and event time. Answers how many intakes were queued.
 */
export function acceptNotification(deps: EngineDeps, orgId: string, channelId: string, body: string, notification: ZohoNotification): number {
  const now = deps.clock.now();
  let queued = 0;
  deps.db.transaction(() => {
    const inboxId = deps.db.prepare('INSERT INTO inbox (org_id, channel_id, received_at, body) VALUES (?, ?, ?, ?)').run(orgId, channelId, now, body).lastInsertRowid;
    recordNotification(deps.db, orgId, now);
    if (!(WORKED_MODULES as readonly string[]).includes(notification.module)) return;
    // One intake per record per delivery: intake decides from Zoho's current state, so a repeat is harmless.
    for (const id of notification.ids) {
      // A deleted record matters only if we are working it: intake finds it gone and stops the lead.
      if (notification.operation === 'delete' && !isRecordWorked(deps.db, orgId, notification.module, id)) continue;
      if (notification.operation !== 'delete' && !mayConcernAssistant(deps, orgId, notification.module, id, newOwnerOf(notification.affectedValues, id))) continue;
      if (queueIntake(deps, orgId, notification.module, id, `inbox${String(inboxId)}`, 'changed', now)) queued += 1;
    }
  })();
  return queued;
}
