import { z } from 'zod';
import { defineJob, orgId } from './define.js';

/** Creates the person a reply referred us to, in Zoho (engine/referrals.ts); the referral is marked failed when it gives up. */
export const referralJob = defineJob({
  kind: 'referral',
  payload: z.object({ orgId, referralId: z.number().int().positive() }),
  key: (payload) => `referral:${payload.referralId}`,
  maxAttempts: 50,
});
