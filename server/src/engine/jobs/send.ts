import { z } from 'zod';
import { defineJob, orgId } from './define.js';

/** Delivers one outbox email (engine/nurture.ts). */
export const sendJob = defineJob({
  kind: 'send',
  payload: z.object({ orgId, outboxId: z.number().int().positive() }),
  key: (payload) => `send:${payload.outboxId}`,
});
