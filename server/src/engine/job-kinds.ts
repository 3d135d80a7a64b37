import { z } from 'zod';
import type { NewJob } from '../db/jobs.js';
import { type JobHandler, PermanentJobError } from './runner.js';

/**
 * Every job kind, defined once: what it carries (a zod schema), its key (queueing the same work
 * twice is a no-op) and its retry policy. The runner's handlers read payloads through the schemas
 * (a payload that does not parse fails the job for good, with the reason), so no handler casts;
 * every queueing site builds its job with jobOf(), so no key is written by hand.
 */
const org = { orgId: z.string().min(1) };

export const JOB_PAYLOADS = {
  intake: z.object({ ...org, module: z.string().min(1), recordId: z.string().min(1), reason: z.enum(['changed', 'assigned']).optional() }),
  step: z.object({ ...org, leadId: z.string().min(1), step: z.number().int().min(0), force: z.boolean().optional() }),
  send: z.object({ ...org, outboxId: z.number().int().positive() }),
  flush: z.object(org),
  handback: z.object({ ...org, leadId: z.string().min(1), reason: z.string(), state: z.string().min(1) }),
  sweep: z.object(org),
  reply: z.object({ ...org, inboundId: z.number().int().positive() }),
  resume: z.object({ ...org, leadId: z.string().min(1), inboundId: z.number().int().positive().optional() }),
  referral: z.object({ ...org, referralId: z.number().int().positive() }),
  mailbox: z.object({ ...org, assistantId: z.string().min(1) }),
  sync: z.object(org),
  renew: z.object(org),
} as const;

export type JobKind = keyof typeof JOB_PAYLOADS;
export type JobPayload<K extends JobKind> = z.infer<(typeof JOB_PAYLOADS)[K]>;

interface KindRules<K extends JobKind> {
  /** The job's key; `variant` tells apart work that may be queued more than once (an intake per notification, "send now"). */
  key: (payload: JobPayload<K>, variant?: string) => string;
  /** Attempts before the job fails for good (waits — 429, business hours, recurring runs — spend none). Default 12. */
  maxAttempts?: number;
}

/** Queued intakes of one record share this prefix: one waiting intake reads the record's current state, so one is enough. */
export const intakeKeyPrefix = (payload: Pick<JobPayload<'intake'>, 'orgId' | 'module' | 'recordId'>) => `intake:${payload.orgId}:${payload.module}:${payload.recordId}:`;

const RULES: { [K in JobKind]: KindRules<K> } = {
  intake: { key: (payload, stamp) => `${intakeKeyPrefix(payload)}${stamp ?? ''}` },
  step: { key: (payload, variant) => `step:${payload.leadId}:${payload.step}${variant ? `:${variant}` : ''}` },
  send: { key: (payload) => `send:${payload.outboxId}` },
  flush: { key: (payload) => `flush:${payload.orgId}`, maxAttempts: 1_000_000 },
  handback: { key: (payload) => `handback:${payload.leadId}`, maxAttempts: 1_000 },
  sweep: { key: (payload) => `sweep:${payload.orgId}` },
  reply: { key: (payload) => `reply:${payload.inboundId}` },
  resume: { key: (payload) => `resume:${payload.leadId}` },
  referral: { key: (payload) => `referral:${payload.referralId}`, maxAttempts: 50 },
  mailbox: { key: (payload) => `mailbox:${payload.assistantId}`, maxAttempts: 1_000_000 },
  sync: { key: (payload) => `sync:${payload.orgId}`, maxAttempts: 1_000_000 },
  renew: { key: (payload) => `renew:${payload.orgId}` },
};

/** The job row for `kind` with `payload`, due at `runAt`: its key and retry policy from the kind's rules. */
export function jobOf<K extends JobKind>(kind: K, payload: JobPayload<K>, runAt: number, variant?: string): NewJob {
  const rules = RULES[kind];
  return { orgId: payload.orgId, kind, key: rules.key(payload, variant), payload, runAt, ...(rules.maxAttempts ? { maxAttempts: rules.maxAttempts } : {}) };
}

/** A handler for `kind` that runs `work` with the parsed payload. */
export function handle<K extends JobKind>(kind: K, work: (payload: JobPayload<K>) => Promise<void | { runAgainAt: number } | undefined> | void): JobHandler {
  return async (_job, raw) => {
    const parsed = JOB_PAYLOADS[kind].safeParse(raw);
    if (!parsed.success) throw new PermanentJobError(`bad ${kind} payload: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(payload)'} ${issue.message}`).join('; ')}`);
    return (await work(parsed.data as JobPayload<K>)) ?? undefined;
  };
}

/** A payload as its kind's schema reads it, or undefined when it does not parse. */
export function payloadOf<K extends JobKind>(kind: K, raw: string): JobPayload<K> | undefined {
  try {
    const parsed = JOB_PAYLOADS[kind].safeParse(JSON.parse(raw));
    return parsed.success ? (parsed.data as JobPayload<K>) : undefined;
  } catch {
    return undefined;
  }
}
