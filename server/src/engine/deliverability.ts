import { getAssistant, setSendingPaused } from '../db/assistants.js';
import { bounceCounts } from '../db/inbound.js';
import type { EngineDeps } from './context.js';

/** The deliverability gate: an assistant whose hard bounces pass its threshold stops sending until an admin resumes it. */

const DAY_MS = 24 * 60 * 60 * 1000;

/** The bounce rate is measured over this window, once this many emails went out. */
export const BOUNCE_WINDOW_MS = 7 * DAY_MS;

export const BOUNCE_MIN_SENDS = 20;

/**
 * The bounce-rate gate: when hard bounces over emails sent in the last week pass the assistant's
 * threshold (with enough sends to judge), sending pauses and the assistant says why.
 */
export async function checkBounceRate(deps: EngineDeps, orgId: string, assistantId: string, now: number): Promise<void> {
  const assistant = await getAssistant(deps.db, orgId, assistantId);
  if (!assistant || assistant.sending_paused_at !== null) return;
  const counts = await bounceCounts(deps.db, orgId, assistantId, now - BOUNCE_WINDOW_MS);
  const sent = counts.sent;
  // The bounce being acted on now is not stored as acted on yet: it counts too.
  const bounced = counts.bounced + 1;
  if (sent < BOUNCE_MIN_SENDS) return;
  const rate = bounced / sent;
  if (rate <= assistant.bounce_threshold) return;
  const reason = `Bounce rate ${(rate * 100).toFixed(1)}% (${bounced} of ${sent} emails in 7 days) is above ${(assistant.bounce_threshold * 100).toFixed(1)}%: sending paused until an admin resumes it.`;
  await setSendingPaused(deps.db, orgId, assistantId, reason, now);
  deps.logger.warn('assistant sending paused: bounce rate over threshold', { orgId, assistantId, bounced, sent });
}
