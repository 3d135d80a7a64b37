import { z } from 'zod';
import { defineJob, orgId } from './define.js';

/** A lead's due step: write its email into the outbox (engine/nurture.ts). "Send now" queues a forced one, its own variant. */
export const stepJob = defineJob({
  kind: 'step',
  payload: z.object({ orgId, leadId: z.string().min(1), step: z.number().int().min(0), force: z.boolean().optional() }),
  key: (payload, variant) => `step:${payload.leadId}:${payload.step}${variant ? `:${variant}` : ''}`,
});
