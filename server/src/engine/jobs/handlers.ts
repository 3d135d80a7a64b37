import { getConnectorSettings, takeSyncWanted } from '../../connector/settings.js';
import { SYNC_DEBOUNCE_MS, abandonRuns, isTransient, runSync } from '../../connector/sync.js';
import type { EngineDeps } from '../context.js';
import { RENEW_INTERVAL_MS, SWEEP_INTERVAL_MS } from '../context.js';
import { expireDraft } from '../drafts.js';
import { flushOrg } from '../flush.js';
import { handBack } from '../handback.js';
import { intakeRecord } from '../intake.js';
import { type JobKind, type JobPayload, JOB_KINDS, handle } from '../job-kinds.js';
import { MAILBOX_POLL_MS, pollMailbox } from '../mailbox.js';
import { runStep, sendEmail } from '../nurture.js';
import { createReferral } from '../referrals.js';
import { resumeAfterPause } from '../reply-actions.js';
import { handleReply } from '../reply-job.js';
import { pruneOrg } from '../retention.js';
import type { JobHandler } from '../runner.js';
import { sweepOrg } from '../sweep.js';

/**
 * A kind's work, given its parsed payload. Recurring work answers when it runs next rather than
 * throwing; one-off work answers nothing and is done.
 *
 * The work sits here, not in the kinds' files under jobs/: the work queues jobs (jobOf, so reads
 * the kinds' keys), and a kind's file that also held its work would import itself back through it.
 */
export type JobWork<K extends JobKind> = (deps: EngineDeps, payload: JobPayload<K>) => Promise<void | { runAgainAt: number } | undefined>;

const WORK: { [K in JobKind]: JobWork<K> } = {
  intake: (deps, { orgId, module, recordId, reason }) => intakeRecord(deps, orgId, module, recordId, reason ?? 'changed'),
  step: (deps, { orgId, leadId, step, force }) => runStep(deps, orgId, leadId, step, force === true),
  send: (deps, { orgId, outboxId }) => sendEmail(deps, orgId, outboxId),
  draft: (deps, { orgId, outboxId }) => expireDraft(deps, orgId, outboxId),
  flush: (deps, { orgId }) => flushOrg(deps, orgId),
  handback: (deps, { orgId, leadId, reason, state }) => handBack(deps, orgId, leadId, reason, state),
  sweep: async (deps, { orgId }) => {
    await sweepOrg(deps, orgId);
    return { runAgainAt: deps.clock.now() + SWEEP_INTERVAL_MS };
  },
  reply: (deps, { orgId, inboundId }) => handleReply(deps, orgId, inboundId, deps.refiner),
  resume: (deps, { orgId, leadId }) => resumeAfterPause(deps, orgId, leadId),
  referral: (deps, { orgId, referralId }) => createReferral(deps, orgId, referralId),
  mailbox: async (deps, { orgId, assistantId }) => {
    // A mailbox keeps being read whatever happens; a failure is recorded and shown, not retried to death.
    if (!(await pollMailbox(deps, orgId, assistantId))) return undefined;
    return { runAgainAt: deps.clock.now() + MAILBOX_POLL_MS };
  },
  sync: async (deps, { orgId }) => {
    const settings = await getConnectorSettings(deps.db, orgId);
    if (!settings.enabled) {
      await abandonRuns(deps, orgId, 'the connector was switched off');
      return undefined;
    }
    await takeSyncWanted(deps.db, orgId);
    try {
      await runSync(deps, orgId, { dryRun: false, trigger: 'scheduled or on change' });
    } catch (error) {
      // Zoho busy or away: the runner comes back and the run resumes. Anything else is logged on
      // the run (failed) and waits for the next schedule rather than retrying in a loop.
      if (isTransient(error)) throw error;
      deps.logger.warn('connector sync failed', { orgId, error: error instanceof Error ? error.message : String(error) });
    }
    // Changes that arrived during the run make the next one come soon; otherwise the schedule.
    const next = (await takeSyncWanted(deps.db, orgId)) ? SYNC_DEBOUNCE_MS : settings.schedule_minutes * 60_000;
    return { runAgainAt: deps.clock.now() + next };
  },
  renew: async (deps, { orgId }) => {
    await pruneOrg(deps, orgId);
    await deps.renewChannel(orgId);
    return { runAgainAt: deps.clock.now() + RENEW_INTERVAL_MS };
  },
};

/** `kind`'s work as a runner handler: the payload read through the kind's schema first. */
function handlerOf<K extends JobKind>(deps: EngineDeps, kind: K): JobHandler {
  const work: JobWork<K> = WORK[kind];
  return handle(kind, (payload) => work(deps, payload));
}

/** The runner's handler table: every kind, with its work. */
export function jobHandlers(deps: EngineDeps): Record<string, JobHandler> {
  return Object.fromEntries(JOB_KINDS.map((kind) => [kind, handlerOf(deps, kind)]));
}
