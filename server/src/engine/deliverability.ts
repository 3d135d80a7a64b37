import { getAssistant, setSendingPaused } from '../db/assistants.js';
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
export function checkBounceRate(deps: EngineDeps, orgId: string, assistantId: string, now: number): void {
  const assistant = getAssistant(deps.db, orgId, assistantId);
  if (!assistant || assistant.sending_paused_at !== null) return;
  const since = now - BOUNCE_WINDOW_MS;
  const sent = (deps.db
    .prepare("SELECT COUNT(*) AS n FROM outbox o JOIN leads l ON l.id = o.lead_id WHERE o.org_id = ? AND l.assistant_id = ? AND o.kind = 'email' AND o.status IN ('done', 'unconfirmed') AND o.done_at >= ?")
    .get(orgId, assistantId, since) as { n: number }).n;
  const bounced = (deps.db
    .prepare("SELECT COUNT(*) AS n FROM inbound_messages i JOIN leads l ON l.id = i.lead_id WHERE i.org_id = ? AND l.assistant_id = ? AND i.intent = 'Bounce' AND i.received_at >= ? AND (i.action IS NULL OR i.action LIKE 'deactivated%')")
    .get(orgId, assistantId, since) as { n: number }).n + 1;
  if (sent < BOUNCE_MIN_SENDS) return;
  const rate = bounced / sent;
  if (rate <= assistant.bounce_threshold) return;
  const reason = `Bounce rate ${(rate * 100).toFixed(1)}% (${bounced} of ${sent} emails in 7 days) is above ${(assistant.bounce_threshold * 100).toFixed(1)}%: sending paused until an admin resumes it.`;
  setSendingPaused(deps.db, orgId, assistantId, reason, now);
  deps.logger.warn('assistant sending paused: bounce rate over threshold', { orgId, assistantId, bounced, sent });
}
