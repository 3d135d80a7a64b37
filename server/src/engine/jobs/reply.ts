import { z } from 'zod';
import { defineJob, orgId } from './define.js';

/** Reads one stored inbound message and acts on it (engine/reply-job.ts). */
export const replyJob = defineJob({
  kind: 'reply',
  payload: z.object({ orgId, inboundId: z.number().int().positive() }),
  key: (payload) => `reply:${payload.inboundId}`,
});
