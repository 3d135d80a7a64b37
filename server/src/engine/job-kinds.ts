import { z } from 'zod';
import { type JobHandler, PermanentJobError } from './runner.js';

/**
 * Every job kind's payload, as a zod schema: the one place that says what each kind carries. The
 * runner's handlers read payloads through these (a payload that does not parse fails the job for
 * good, with the reason), so no handler casts.
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
  resume: z.object({ ...org, leadId: z.string().min(1) }),
  referral: z.object({ ...org, referralId: z.number().int().positive() }),
  mailbox: z.object({ ...org, assistantId: z.string().min(1) }),
  sync: z.object(org),
  renew: z.object(org),
} as const;

export type JobKind = keyof typeof JOB_PAYLOADS;
export type JobPayload<K extends JobKind> = z.infer<(typeof JOB_PAYLOADS)[K]>;

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
