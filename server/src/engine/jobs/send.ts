import { z } from 'zod';
import { defineJob, orgId } from './define.js';

/** Delivers one outbox email (engine/nurture.ts); a resume that finds its job running queues a variant. */
export const sendJob = defineJob({
  kind: 'send',
  payload: z.object({ orgId, outboxId: z.number().int().positive() }),
  key: (payload, variant) => `send:${payload.outboxId}${variant ? `:${variant}` : ''}`,
});
