import { z } from 'zod';
import { defineJob, orgId } from './define.js';

/** A draft's approval time is up: unapproved, it is never sent and the record goes back (engine/drafts.ts). */
export const draftJob = defineJob({
  kind: 'draft',
  payload: z.object({ orgId, outboxId: z.number().int().positive() }),
  key: (payload) => `draft:${payload.outboxId}`,
});
