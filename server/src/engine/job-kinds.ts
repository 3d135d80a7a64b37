import type { z } from 'zod';
import type { NewJob } from '../db/jobs.js';
import { type JobHandler, PermanentJobError } from './runner.js';
import { draftJob } from './jobs/draft.js';
import { flushJob } from './jobs/flush.js';
import { handbackJob } from './jobs/handback.js';
import { intakeJob } from './jobs/intake.js';
import { mailboxJob } from './jobs/mailbox.js';
import { referralJob } from './jobs/referral.js';
import { renewJob } from './jobs/renew.js';
import { replyJob } from './jobs/reply.js';
import { resumeJob } from './jobs/resume.js';
import { sendJob } from './jobs/send.js';
import { stepJob } from './jobs/step.js';
import { sweepJob } from './jobs/sweep.js';
import { syncJob } from './jobs/sync.js';

export { intakeKeyPrefix } from './jobs/intake.js';

/**
 * Every job kind, defined once, each in its file under jobs/: what it carries (a zod schema), its
 * key (queueing the same work twice is a no-op) and its retry policy; jobs/handlers.ts gives each
 * its work. The runner's handlers read payloads through the schemas (a payload that does not
 * parse fails the job for good, with the reason), so no handler casts; every queueing site builds
 * its job with jobOf(), so no key is written by hand.
 */
const KINDS = {
  intake: intakeJob,
  step: stepJob,
  send: sendJob,
  draft: draftJob,
  flush: flushJob,
  handback: handbackJob,
  sweep: sweepJob,
  reply: replyJob,
  resume: resumeJob,
  referral: referralJob,
  mailbox: mailboxJob,
  sync: syncJob,
  renew: renewJob,
};

export type JobKind = keyof typeof KINDS;
export type JobPayload<K extends JobKind> = z.output<(typeof KINDS)[K]['payload']>;

/** Every kind's name. */
export const JOB_KINDS = Object.values(KINDS).map((spec) => spec.kind);

/** A kind as jobOf, handle and payloadOf read it: each listed under its own name, its key reading its own payload. */
interface Kind<K extends JobKind> {
  kind: K;
  payload: z.ZodType<JobPayload<K>>;
  key: (payload: JobPayload<K>, variant?: string) => string;
  maxAttempts?: number;
}

const JOBS: { [K in JobKind]: Kind<K> } = KINDS;

/** The job row for `kind` with `payload`, due at `runAt`: its key and retry policy from the kind's definition. */
export function jobOf<K extends JobKind>(kind: K, payload: JobPayload<K>, runAt: number, variant?: string): NewJob {
  const spec = JOBS[kind];
  return { orgId: payload.orgId, kind, key: spec.key(payload, variant), payload, runAt, ...(spec.maxAttempts ? { maxAttempts: spec.maxAttempts } : {}) };
}

/** A handler for `kind` that runs `work` with the parsed payload. */
export function handle<K extends JobKind>(kind: K, work: (payload: JobPayload<K>) => Promise<void | { runAgainAt: number } | undefined> | void): JobHandler {
  return async (_job, raw) => {
    const parsed = JOBS[kind].payload.safeParse(raw);
    if (!parsed.success) throw new PermanentJobError(`bad ${kind} payload: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(payload)'} ${issue.message}`).join('; ')}`);
    return (await work(parsed.data)) ?? undefined;
  };
}

/** A payload as its kind's schema reads it, or undefined when it does not parse. */
export function payloadOf<K extends JobKind>(kind: K, raw: string): JobPayload<K> | undefined {
  try {
    const parsed = JOBS[kind].payload.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
