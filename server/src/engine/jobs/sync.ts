import { z } from 'zod';
import { defineJob, orgId } from './define.js';

/** The org's connector sync into Zoho, recurring on its schedule while the connector is on (connector/sync.ts). */
export const syncJob = defineJob({
  kind: 'sync',
  payload: z.object({ orgId }),
  key: (payload) => `sync:${payload.orgId}`,
  maxAttempts: 1_000_000,
});
