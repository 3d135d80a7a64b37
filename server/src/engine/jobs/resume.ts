import { z } from 'zod';
import { defineJob, orgId } from './define.js';

/** An absence or a "later" is over: the lead goes back to work (engine/reply-actions.ts). */
export const resumeJob = defineJob({
  kind: 'resume',
  payload: z.object({ orgId, leadId: z.string().min(1), inboundId: z.number().int().positive().optional() }),
  key: (payload) => `resume:${payload.leadId}`,
});
