/**
 * The "Replies and deliverability" section's contract with the backend: the answers for the inbound
 * log, taught phrases, the suppression list and an assistant's mailbox. The routes check their
 * answers against these types with `satisfies`; the widget imports them type-only;
 * test/inprocess/contract.test.ts parses the real answers (strict).
 */
import { z } from 'zod';
import { REPLY_INTENTS } from '../domain/reply-intents.js';

const iso = z.iso.datetime();

export const INBOUND_STATUSES = ['received', 'processed', 'unmatched', 'ignored'] as const;

/** One message of the inbound log: every column but the raw message and the dedupe key; times as ISO. */
export const inboundView = z
  .object({
    id: z.number().int(),
    org_id: z.string().nullable(),
    assistant_id: z.string().nullable(),
    source: z.string(),
    message_id: z.string().nullable(),
    from_address: z.string().nullable(),
    subject: z.string(),
    received_at: iso,
    status: z.enum(INBOUND_STATUSES),
    lead_id: z.string().nullable(),
    matched_by: z.string().nullable(),
    intent: z.enum(REPLY_INTENTS).nullable(),
    confidence: z.number().nullable(),
    reason: z.string().nullable(),
    extracted_date: z.string().nullable(),
    action: z.string().nullable(),
    processed_at: iso.nullable(),
    decision: z.string().nullable(),
    corrected_from: z.enum(REPLY_INTENTS).nullable(),
    corrected_by: z.string().nullable(),
    corrected_at: iso.nullable(),
    auth: z.string().nullable(),
    auth_detail: z.string().nullable(),
  })
  .strict();
export const inboundAnswer = z.object({ messages: z.array(inboundView) }).strict();

export const phraseView = z.object({ id: z.string(), phrase: z.string(), intent: z.enum(REPLY_INTENTS), created_at: z.number().int() }).strict();
export const phrasesAnswer = z.object({ phrases: z.array(phraseView) }).strict();

export const suppressionView = z.object({ email: z.string(), reason: z.string(), source: z.string(), created_at: iso }).strict();
export const suppressionsAnswer = z.object({ suppressions: z.array(suppressionView) }).strict();

/** GET /api/assistants/:id/mailbox: the IMAP settings (never the password) and how reading goes. */
export const mailboxAnswer = z
  .object({
    configured: z.boolean(),
    host: z.string().optional(),
    port: z.number().int().optional(),
    secure: z.boolean().optional(),
    user: z.string().optional(),
    folder: z.string().optional(),
    lastPolledAt: iso.nullable(),
    lastError: z.string().nullable(),
  })
  .strict();

export type InboundView = z.infer<typeof inboundView>;
export type PhraseView = z.infer<typeof phraseView>;
export type SuppressionView = z.infer<typeof suppressionView>;
export type MailboxAnswer = z.infer<typeof mailboxAnswer>;
