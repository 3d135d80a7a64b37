import { z } from 'zod';
import { defineJob, orgId } from './define.js';

/** Hourly per org: prunes what grows with traffic (engine/retention.ts) and renews the notification channel. */
export const renewJob = defineJob({
  kind: 'renew',
  payload: z.object({ orgId }),
  key: (payload) => `renew:${payload.orgId}`,
});
