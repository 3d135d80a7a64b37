import { z } from 'zod';
import { defineJob, orgId } from './define.js';

/** Gives a lead's record back to its owner, with the reason and the final state (engine/handback.ts). */
export const handbackJob = defineJob({
  kind: 'handback',
  payload: z.object({ orgId, leadId: z.string().min(1), reason: z.string(), state: z.string().min(1) }),
  key: (payload) => `handback:${payload.leadId}`,
  maxAttempts: 1_000,
});
