import { emptyRawMail } from '../db/inbound.js';
import { deleteDoneJobsBefore, deleteInboxBefore, emptyDeliveredPayloads } from '../db/retention.js';
import type { EngineDeps, Retention } from './context.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export const DEFAULT_RETENTION: Retention = { rawMailDays: 90, inboxDays: 14, doneJobsDays: 30 };

/**
 * Keeps what grows with traffic bounded: run hourly per org with the channel renewal. Raw mail
 * holds people's words and signatures, so it is not kept longer than it is useful for reading
 * and correcting a reply. Delivered notes, record updates and creates are emptied after the
 * done-jobs days. Answers what was pruned.
 */
export async function pruneOrg(deps: EngineDeps, orgId: string): Promise<{ rawMail: number; inbox: number; jobs: number; deliveries: number }> {
  const retention = deps.retention ?? DEFAULT_RETENTION;
  const now = deps.clock.now();
  // The org's read mail, and mail that matched no org (it has no org to prune it with: every org's pass takes it too).
  const rawMail = await emptyRawMail(deps.db, orgId, now - retention.rawMailDays * DAY_MS);
  const inbox = await deleteInboxBefore(deps.db, orgId, now - retention.inboxDays * DAY_MS);
  const jobs = await deleteDoneJobsBefore(deps.db, orgId, now - retention.doneJobsDays * DAY_MS);
  // Delivered notes, record updates and creates (a referred person) keep their row (the idempotency
  // key, the Zoho id, when) but not what they said: Zoho has it. Emails keep theirs: the timeline shows them.
  const deliveries = await emptyDeliveredPayloads(deps.db, orgId, now - retention.doneJobsDays * DAY_MS);
  if (rawMail + inbox + jobs + deliveries > 0) deps.logger.info('pruned old data', { orgId, rawMail, inbox, jobs, deliveries });
  return { rawMail, inbox, jobs, deliveries };
}
