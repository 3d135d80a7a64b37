import { z } from 'zod';
import { defineJob, orgId } from './define.js';

/** Writes an org's queued notes and record updates to Zoho (engine/flush.ts); it keeps going until the queue is empty. */
export const flushJob = defineJob({
  kind: 'flush',
  payload: z.object({ orgId }),
  key: (payload) => `flush:${payload.orgId}`,
  maxAttempts: 1_000_000,
});
