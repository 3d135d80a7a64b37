import { z } from 'zod';
import { defineJob, orgId } from './define.js';

/** The polling fallback, recurring: what notifications may have missed goes through intake (engine/sweep.ts). */
export const sweepJob = defineJob({
  kind: 'sweep',
  payload: z.object({ orgId }),
  key: (payload) => `sweep:${payload.orgId}`,
});
