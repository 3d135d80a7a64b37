/** A lead's state as 7Targets names it; written to the "7Targets Lead Connection Status" field. */
export const LEAD_STATES = [
  'New',
  'Pending',
  'Cold',
  'Engaged',
  'Warm',
  'Hot',
  'Responded',
  'Processed',
  'Out of office',
  'Deactivated',
  'Unsubscribed',
] as const;

export type LeadState = (typeof LEAD_STATES)[number];
