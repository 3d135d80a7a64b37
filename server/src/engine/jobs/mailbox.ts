import { z } from 'zod';
import { defineJob, orgId } from './define.js';

/** Reads an assistant's mailbox, recurring while it is configured (engine/mailbox.ts). */
export const mailboxJob = defineJob({
  kind: 'mailbox',
  payload: z.object({ orgId, assistantId: z.string().min(1) }),
  key: (payload) => `mailbox:${payload.assistantId}`,
  maxAttempts: 1_000_000,
});
