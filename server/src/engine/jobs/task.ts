import { z } from 'zod';
import { defineJob, orgId } from './define.js';

/** Creates the owner's Zoho Task of a handback, once (engine/tasks.ts). */
export const taskJob = defineJob({
  kind: 'task',
  payload: z.object({ orgId, outboxId: z.number().int().positive() }),
  key: (payload) => `task:${payload.outboxId}`,
  maxAttempts: 1_000,
});
