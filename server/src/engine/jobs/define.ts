import { z } from 'zod';

/** Every payload names its org: jobs are stored, claimed and run per org. */
export const orgId = z.string().min(1);

/**
 * One job kind: its name, what it carries (a zod schema), its key (queueing the same work twice
 * is a no-op) and its retry policy. Each kind has its file beside this one; job-kinds.ts lists
 * them, and jobs/handlers.ts gives each its work.
 */
export interface JobSpec<K extends string, S extends z.ZodType<{ orgId: string }>> {
  kind: K;
  /** What the job carries; the runner reads every payload through it. */
  payload: S;
  /** The job's key; `variant` tells apart work that may be queued more than once (an intake per notification, "send now"). */
  key: (payload: z.output<S>, variant?: string) => string;
  /** Attempts before the job fails for good (waits — 429, business hours, recurring runs — spend none). Default 12. */
  maxAttempts?: number;
}

/** A kind's definition, as written (the key reads the payload its schema makes). */
export function defineJob<const K extends string, S extends z.ZodType<{ orgId: string }>>(spec: JobSpec<K, S>): JobSpec<K, S> {
  return spec;
}
