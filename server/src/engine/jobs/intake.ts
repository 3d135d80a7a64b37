import { z } from 'zod';
import { defineJob, orgId } from './define.js';

const schema = z.object({ orgId, module: z.string().min(1), recordId: z.string().min(1), reason: z.enum(['changed', 'assigned']).optional() });

/** Queued intakes of one record share this prefix: one waiting intake reads the record's current state, so one is enough. */
export const intakeKeyPrefix = (payload: Pick<z.output<typeof schema>, 'orgId' | 'module' | 'recordId'>) => `intake:${payload.orgId}:${payload.module}:${payload.recordId}:`;

/** A record changed in Zoho or was assigned: decide what it means (engine/intake.ts). One per notification (the stamp). */
export const intakeJob = defineJob({
  kind: 'intake',
  payload: schema,
  key: (payload, stamp) => `${intakeKeyPrefix(payload)}${stamp ?? ''}`,
});
