import type { EngineDeps, Retention } from './context.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export const DEFAULT_RETENTION: Retention = { rawMailDays: 90, inboxDays: 14, doneJobsDays: 30 };

/**
 * Keeps what grows with traffic bounded: run hourly per org with the channel renewal. Raw mail
 * holds people's words and signatures, so it is not kept longer than it is useful for reading
 * and correcting a reply. Delivered notes and record updates are emptied after the done-jobs
 * days. Answers what was pruned.
 */
export function pruneOrg(deps: EngineDeps, orgId: string): { rawMail: number; inbox: number; jobs: number; deliveries: number } {
  const retention = deps.retention ?? DEFAULT_RETENTION;
  const now = deps.clock.now();
  const rawMail = deps.db
    .prepare("UPDATE inbound_messages SET raw = X'' WHERE org_id = ? AND received_at < ? AND length(raw) > 0 AND status IN ('processed', 'unmatched', 'ignored')")
    .run(orgId, now - retention.rawMailDays * DAY_MS).changes +
    // Mail that matched no org has no org to prune it with: every org's pass takes it too.
    deps.db.prepare("UPDATE inbound_messages SET raw = X'' WHERE org_id IS NULL AND received_at < ? AND length(raw) > 0").run(now - retention.rawMailDays * DAY_MS).changes;
  const inbox = deps.db.prepare('DELETE FROM inbox WHERE org_id = ? AND received_at < ?').run(orgId, now - retention.inboxDays * DAY_MS).changes;
  const jobs = deps.db.prepare("DELETE FROM jobs WHERE org_id = ? AND status = 'done' AND updated_at < ?").run(orgId, now - retention.doneJobsDays * DAY_MS).changes;
  // Delivered notes and record updates keep their row (the idempotency key, the Zoho id, when) but
  // not what they said: Zoho has it. Emails keep theirs: the timeline shows them.
  const deliveries = deps.db
    .prepare("UPDATE outbox SET payload = '{}' WHERE org_id = ? AND kind IN ('note', 'update') AND status = 'done' AND done_at < ? AND payload <> '{}'")
    .run(orgId, now - retention.doneJobsDays * DAY_MS).changes;
  if (rawMail + inbox + jobs + deliveries > 0) deps.logger.info('pruned old data', { orgId, rawMail, inbox, jobs, deliveries });
  return { rawMail, inbox, jobs, deliveries };
}
