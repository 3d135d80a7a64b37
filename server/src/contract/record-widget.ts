/**
 * The record widget's contract with the backend: the shape of GET /api/record-widget/:module/:id
 * and of a lead as the lead routes describe it, and the reply readings by name. The routes check
 * their answers against these types at compile time, the widget imports them type-only, and a test
 * parses the real answers with these schemas (strict), so a drift on either side fails.
 *
 * Like the settings contract it imports nothing of the backend but the pure domain lists.
 */
import { z } from 'zod';
import { REPLY_INTENTS, type ReplyIntent } from '../domain/reply-intents.js';

export { REPLY_INTENTS, type ReplyIntent };

const iso = z.iso.datetime();

export const LEAD_STATUSES = ['active', 'paused', 'handed_back', 'stopped'] as const;

/** A lead as GET /api/leads/:id, the lead commands and the record widget describe it. */
export const leadView = z
  .object({
    id: z.string(),
    zohoModule: z.string(),
    zohoRecordId: z.string(),
    assistant: z.object({ id: z.string(), name: z.string() }).strict().nullable(),
    sequence: z.object({ id: z.string(), name: z.string() }).strict().nullable(),
    status: z.enum(LEAD_STATUSES),
    state: z.string(),
    step: z.object({ sent: z.number().int(), total: z.number().int() }).strict(),
    email: z.string().nullable(),
    name: z.string().nullable(),
    company: z.string().nullable(),
    context: z.string().nullable(),
    previousOwner: z.string().nullable(),
    nextSendAt: iso.nullable(),
    lastSentAt: iso.nullable(),
    lastReply: z.object({ intent: z.enum(REPLY_INTENTS), at: iso.nullable() }).strict().nullable(),
    resumeAt: iso.nullable(),
    closeReason: z.string().nullable(),
    closedAt: iso.nullable(),
    /** When the handback is planned ("hand back now", or the wait after the last email). */
    handbackAt: iso.nullable(),
    /** Its handback is due now: under way, not yet done. */
    handingBack: z.boolean(),
    createdAt: iso.nullable(),
  })
  .strict();

/** One entry of the lead's timeline as the widget shows it: what happened, and the details it reads. */
export const leadEventView = z
  .object({
    at: iso,
    kind: z.string(),
    reason: z.string().optional(),
    previousClose: z.string().nullable().optional(),
    subject: z.string().optional(),
    intent: z.string().optional(),
    inboundId: z.number().optional(),
    meeting: z.string().optional(),
    unclear: z.string().optional(),
    excerpt: z.string().optional(),
    from: z.string().optional(),
    to: z.string().optional(),
  })
  .strict();

export const assistantOption = z
  .object({
    id: z.string(),
    name: z.string(),
    mailboxEmail: z.string(),
    /** Known once CRM Details has matched the mailbox to a Zoho user; until then the widget matches mailboxEmail. */
    zohoUserId: z.string().nullable(),
    defaultSequenceId: z.string().nullable(),
  })
  .strict();

/** An email waiting for a person's approval: what it says, to whom, and until when it waits. */
export const draftView = z
  .object({
    id: z.number().int(),
    leadId: z.string(),
    step: z.number().int(),
    of: z.number().int(),
    subject: z.string(),
    text: z.string(),
    to: z.string(),
    writtenAt: iso,
    expiresAt: iso,
  })
  .strict();

/** POST /api/drafts/:id/approve: the email as the person left it; this is what is sent. */
export const draftApproval = z
  .object({
    subject: z.string().trim().min(1, 'Write a subject.').max(200, 'A subject is at most 200 characters.'),
    // Not trimmed: the text is sent exactly as the person left it.
    text: z.string().max(20_000, 'An email is at most 20,000 characters.').refine((text) => text.trim() !== '', 'Write the email.'),
    /** Who decided, as the widget's host names its user (shown in the Zoho note; an admin session's address wins). */
    by: z.string().trim().min(1).max(200).optional(),
  })
  .strict();

/** POST /api/drafts/:id/skip: optionally who skipped it, as the widget's host names its user. */
export const draftSkip = z.object({ by: z.string().trim().min(1).max(200).optional() }).strict();

/** GET /api/record-widget/:module/:recordId: what the widget needs to draw a record. */
export const recordWidgetAnswer = z
  .object({
    fields: z.object({ context: z.string().nullable(), sequence: z.string().nullable() }).strict(),
    assistants: z.array(assistantOption),
    sequences: z.array(z.object({ id: z.string(), name: z.string(), steps: z.number().int() }).strict()),
    lead: leadView.nullable(),
    /** The lead's email waiting for approval, when there is one. */
    draft: draftView.nullable(),
    events: z.array(leadEventView),
  })
  .strict();

/** GET /api/drafts: the org's drafts waiting for approval, each with whose it is. */
export const draftsAnswer = z
  .object({
    drafts: z.array(
      draftView.extend({
        name: z.string().nullable(),
        company: z.string().nullable(),
        zohoModule: z.string(),
        zohoRecordId: z.string(),
        assistant: z.string().nullable(),
      }),
    ),
  })
  .strict();

export type LeadView = z.infer<typeof leadView>;
export type LeadEventView = z.infer<typeof leadEventView>;
export type AssistantOption = z.infer<typeof assistantOption>;
export type RecordWidgetAnswer = z.infer<typeof recordWidgetAnswer>;
export type DraftView = z.infer<typeof draftView>;
export type DraftsAnswer = z.infer<typeof draftsAnswer>;
