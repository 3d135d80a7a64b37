import { listActiveOrgs } from '../db/orgs.js';
import type { EngineDeps } from './context.js';
import { RENEW_INTERVAL_MS, SWEEP_INTERVAL_MS } from './context.js';
import { flushOrg } from './flush.js';
import { handBack } from './handback.js';
import { intakeRecord } from './intake.js';
import { enqueueJob, scheduleJob } from './jobs.js';
import { runStep, sendEmail } from './nurture.js';
import { JobRunner, type RunnerOptions, RunAgainAt } from './runner.js';
import { queueHandback } from './effects.js';
import { getLead } from './leads.js';
import { getOutbox } from './outbox.js';
import type { JobRow } from './jobs.js';
import { scheduleSweep, sweepOrg } from './sweep.js';

interface OrgPayload {
  orgId: string;
}

/** The engine: job handlers over one runner, plus the entry points the HTTP side uses. */
export class Engine {
  readonly runner: JobRunner;

  constructor(
    readonly deps: EngineDeps,
    options: RunnerOptions = {},
  ) {
    this.runner = new JobRunner(
      deps.db,
      deps.clock,
      {
        intake: async (_job, payload) => {
          const { orgId, module, recordId, reason } = payload as OrgPayload & { module: string; recordId: string; reason?: 'changed' | 'assigned' };
          await intakeRecord(deps, orgId, module, recordId, reason ?? 'changed');
        },
        step: async (_job, payload) => {
          const { orgId, leadId, step, force } = payload as OrgPayload & { leadId: string; step: number; force?: boolean };
          await runStep(deps, orgId, leadId, step, force === true);
        },
        send: async (_job, payload) => {
          const { orgId, outboxId } = payload as OrgPayload & { outboxId: number };
          await sendEmail(deps, orgId, outboxId);
        },
        flush: async (_job, payload) => flushOrg(deps, (payload as OrgPayload).orgId),
        handback: async (_job, payload) => {
          const { orgId, leadId, reason, state } = payload as OrgPayload & { leadId: string; reason: string; state: string };
          handBack(deps, orgId, leadId, reason, state);
        },
        sweep: async (_job, payload) => {
          await sweepOrg(deps, (payload as OrgPayload).orgId);
          throw new RunAgainAt(deps.clock.now() + SWEEP_INTERVAL_MS, 'next sweep');
        },
        renew: async (_job, payload) => {
          await deps.renewChannel((payload as OrgPayload).orgId);
          throw new RunAgainAt(deps.clock.now() + RENEW_INTERVAL_MS, 'next renewal check');
        },
      },
      deps.logger,
      { ...options, onFinalFailure: (job, error) => this.gaveUp(job, error) },
    );
  }

  /**
   * A lead's own work (a step or a send) failed for good: the record must not sit with the
   * assistant in silence, so it goes back to its owner with the reason.
   */
  private gaveUp(job: JobRow, error: string): void {
    if (job.kind !== 'step' && job.kind !== 'send') return;
    const payload = JSON.parse(job.payload) as OrgPayload & { leadId?: string; outboxId?: number };
    const leadId = payload.leadId ?? (payload.outboxId !== undefined ? getOutbox(this.deps.db, payload.orgId, payload.outboxId)?.lead_id : undefined);
    if (!leadId) return;
    const lead = getLead(this.deps.db, payload.orgId, leadId);
    if (!lead || lead.status !== 'active') return;
    const now = this.deps.clock.now();
    queueHandback(this.deps, lead, `the assistant could not continue: ${error.slice(0, 200)}`, 'Processed', now, now);
  }

  /** A record changed in Zoho (a notification, or the sweep): decide what it means, soon. */
  recordChanged(orgId: string, module: string, recordId: string, stamp: string): boolean {
    const now = this.deps.clock.now();
    return enqueueJob(this.deps.db, { orgId, kind: 'intake', key: `intake:${orgId}:${module}:${recordId}:${stamp}`, payload: { orgId, module, recordId }, runAt: now }, now);
  }

  /** Makes sure every active org has its recurring work (polling sweep, channel renewal) scheduled. */
  ensureRecurringWork(): void {
    const now = this.deps.clock.now();
    for (const org of listActiveOrgs(this.deps.db)) {
      enqueueJob(this.deps.db, { orgId: org.id, kind: 'sweep', key: `sweep:${org.id}`, payload: { orgId: org.id }, runAt: now }, now);
      enqueueJob(this.deps.db, { orgId: org.id, kind: 'renew', key: `renew:${org.id}`, payload: { orgId: org.id }, runAt: now }, now);
    }
  }

  /** A newly authorized org: sweep now, and keep its channel renewed. */
  startOrg(orgId: string): void {
    const now = this.deps.clock.now();
    scheduleSweep(this.deps, orgId, now);
    scheduleJob(this.deps.db, { orgId, kind: 'renew', key: `renew:${orgId}`, payload: { orgId }, runAt: now + RENEW_INTERVAL_MS }, now);
  }

  runUntilIdle(): Promise<number> {
    return this.runner.runUntilIdle();
  }
}
