/**
 * The settings tab's contract with the backend: the request schemas the routes validate with (their
 * messages are what a person reads next to the field) and the shapes of the answers. The routes
 * check their answers against these types at compile time; the widget imports them type-only; a
 * test parses the real answers with the answer schemas, so a drift on either side fails.
 *
 * It imports nothing of the backend but zod, so the widget's type-check can read it.
 */
import { z } from 'zod';
import { LANGUAGES } from '../domain/languages.js';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const APPROVALS = ['auto', 'first', 'every'] as const;

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Enter a time as HH:MM, such as 09:00.');
const timeZone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'Choose a time zone such as Europe/Berlin.');

const DAYS_MESSAGE = 'Days between emails must be 0–365.';
const WHOLE_DAYS_MESSAGE = 'Days between emails must be a whole number, 0–365.';

export const assistantInput = z
  .object({
    name: z.string().trim().min(1, 'Give the assistant a name.').max(80, 'A name is at most 80 characters.'),
    mailbox_email: z.email('Enter the mailbox as an email address, such as nova@yourcompany.com.').max(254, 'An email address is at most 254 characters.'),
    default_context: z.string().trim().min(1, 'Write the default context: what the assistant offers, in a few sentences.').max(5000, 'The default context is at most 5,000 characters.'),
    signature: z.string().max(2000, 'The signature is at most 2,000 characters.').default(''),
    default_sequence_id: z.uuid('Choose one of the sequences.').nullable().default(null),
    time_zone: timeZone.default('UTC'),
    business_hours: z.object({ start: clockTime, end: clockTime }).default({ start: '09:00', end: '17:00' }),
    off_days: z.array(z.enum(WEEKDAYS, 'Off days are days of the week.')).max(6, 'Leave at least one day of the week to send on.').default(['sat', 'sun']),
    daily_cap: z.number('The daily limit is a whole number, 1–2,000.').int('The daily limit is a whole number, 1–2,000.').min(1, 'The daily limit is a whole number, 1–2,000.').max(2000, 'The daily limit is a whole number, 1–2,000.').default(200),
    default_owner_id: z.string().regex(/^\d{1,19}$/, 'Choose a Zoho user (their user id is digits).').nullable().default(null),
    nurture_lines: z.array(z.string().trim().min(1, 'A nurture line cannot be empty.').max(300, 'A nurture line is at most 300 characters.')).max(50, 'At most 50 nurture lines.').default([]),
    /** The sender's postal address, printed in every email's footer (CAN-SPAM). */
    postal_address: z.string().trim().max(300, 'The postal address is at most 300 characters.').default(''),
    /** A link sent at once to a lead who asks for material (BrochureSent). */
    brochure_url: z.union([z.url({ protocol: /^https?$/, error: 'Enter a web address starting with https://.' }).max(2000, 'A web address is at most 2,000 characters.'), z.literal('')], 'Enter a web address starting with https://.').default(''),
    /** Sending pauses when hard bounces over sends (7 days) pass this share. */
    bounce_threshold: z.number('The bounce limit is a share between 0.5% and 50%.').min(0.005, 'The bounce limit is between 0.5% and 50%.').max(0.5, 'The bounce limit is between 0.5% and 50%.').default(0.05),
    /** The context and nurture lines in other languages (de, es, fr, pt, en), for leads who read those. */
    other_languages: z
      .partialRecord(
        z.enum(LANGUAGES, 'Other languages are en, de, es, fr and pt.'),
        z
          .object({
            context: z.string().trim().min(1, 'Write the context in this language, or remove the language.').max(5000, 'A context is at most 5,000 characters.'),
            nurture_lines: z.array(z.string().trim().min(1, 'A nurture line cannot be empty.').max(300, 'A nurture line is at most 300 characters.')).max(50, 'At most 50 nurture lines.').default([]),
          })
          .strict(),
        { error: (issue) => (String(issue.code) === 'unrecognized_keys' ? 'Other languages are en, de, es, fr and pt.' : undefined) },
      )
      .default({}),
    /** Which emails a person approves before they go: none ('auto'), each lead's first, or every one. */
    approval: z.enum(APPROVALS, 'Choose when a person approves emails: never, the first email, or every email.').default('auto'),
    /** Days a draft waits for approval; then the record goes back to its owner, unsent. */
    draft_expiry_days: z.number('Drafts wait a whole number of days, 1–30.').int('Drafts wait a whole number of days, 1–30.').min(1, 'Drafts wait a whole number of days, 1–30.').max(30, 'Drafts wait a whole number of days, 1–30.').default(3),
  })
  .strict()
  .refine((input) => input.business_hours.start < input.business_hours.end, { message: 'Sending hours must end after they start.', path: ['business_hours', 'end'] });

export const stepInput = z
  .object({
    after_days: z.number(WHOLE_DAYS_MESSAGE).int(WHOLE_DAYS_MESSAGE).min(0, DAYS_MESSAGE).max(365, DAYS_MESSAGE),
    mode: z.enum(['generated', 'custom']).default('generated'),
    subject: z.string().trim().min(1, 'Write a subject.').max(200, 'A subject is at most 200 characters.').nullable().default(null),
    body: z.string().trim().min(1, 'Write the email.').max(20_000, 'An email is at most 20,000 characters.').nullable().default(null),
  })
  .strict()
  .superRefine((step, context) => {
    if (step.mode !== 'custom') return;
    if (step.subject === null) context.addIssue({ code: 'custom', message: 'A custom email needs a subject.', path: ['subject'] });
    if (step.body === null) context.addIssue({ code: 'custom', message: 'A custom email needs its text.', path: ['body'] });
  });

export const sequenceInput = z
  .object({
    name: z.string().trim().min(1, 'Give the sequence a name.').max(80, 'A name is at most 80 characters.'),
    steps: z.array(stepInput).min(1, 'A sequence needs at least one email.').max(20, 'A sequence has at most 20 emails.'),
    /** Absent: unchanged on update, false on create. */
    is_default: z.boolean().optional(),
  })
  .strict()
  // Several emails all at 0 days would all go out at once: that is not a sequence.
  .refine((input) => input.steps.length < 2 || input.steps.some((step, index) => index > 0 && step.after_days > 0), {
    message: 'Every email is 0 days after the one before, so all of them would go out at once: give at least one follow-up a wait of 1 day or more.',
    path: ['steps', 1, 'after_days'],
  });

/** "What would this step send?": the step as edited, for one of the org's assistants (the first when absent). */
export const previewInput = z
  .object({
    step: stepInput,
    step_index: z.number().int().min(0).max(19),
    steps_total: z.number().int().min(1).max(20),
    assistant_id: z.uuid().optional(),
  })
  .strict()
  .refine((input) => input.step_index < input.steps_total, { message: 'step_index must be below steps_total.', path: ['step_index'] });

export type AssistantInput = z.output<typeof assistantInput>;
export type StepInput = z.output<typeof stepInput>;

const crmStatus = z.enum(['ASSISTANT_EXISTS_AS_USER_IN_CRM', 'ALL_WORKING_WELL', 'ASSISTANT_DOES_NOT_EXISTS_AS_USER_IN_CRM']);

/** An assistant as GET /api/assistants answers it (the IMAP settings never leave the server). */
export const assistantView = z
  .object({
    id: z.string(),
    org_id: z.string(),
    name: z.string(),
    mailbox_email: z.string(),
    default_context: z.string(),
    signature: z.string(),
    default_sequence_id: z.string().nullable(),
    time_zone: z.string(),
    business_hours: z.object({ start: z.string(), end: z.string() }).strict(),
    off_days: z.array(z.string()),
    daily_cap: z.number(),
    default_owner_id: z.string().nullable(),
    nurture_lines: z.array(z.string()),
    postal_address: z.string(),
    brochure_url: z.string(),
    bounce_threshold: z.number(),
    other_languages: z.partialRecord(z.enum(LANGUAGES), z.object({ context: z.string(), nurture_lines: z.array(z.string()) }).strict()),
    approval: z.enum(APPROVALS),
    draft_expiry_days: z.number(),
    zoho_user_id: z.string().nullable(),
    crm_status: crmStatus.nullable(),
    crm_owned_records: z.number().nullable(),
    crm_checked_at: z.number().nullable(),
    sending_paused_at: z.number().nullable(),
    sending_paused_reason: z.string().nullable(),
    mailbox_configured: z.boolean(),
    /** Set while the assistant is archived: it takes no new records. */
    archived_at: z.number().nullable(),
    created_at: z.number(),
    updated_at: z.number(),
  })
  .strict();

export const sequenceView = z
  .object({
    id: z.string(),
    org_id: z.string(),
    name: z.string(),
    is_default: z.boolean(),
    created_at: z.number(),
    updated_at: z.number(),
    steps: z.array(z.object({ after_days: z.number(), mode: z.enum(['generated', 'custom']), subject: z.string().nullable(), body: z.string().nullable() }).strict()),
  })
  .strict();

export const assistantsAnswer = z.object({ assistants: z.array(assistantView) }).strict();
export const sequencesAnswer = z.object({ sequences: z.array(sequenceView) }).strict();
export const previewAnswer = z.object({ subject: z.string(), text: z.string(), sample: z.object({ name: z.string(), company: z.string(), assistant: z.string() }).strict() }).strict();

const detailsStatus = z.enum([...crmStatus.options, 'ASSISTANT_NOT_YET_CREATED']);

export const assistantDetails = z
  .object({
    assistantId: z.string().nullable(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    zohoUserId: z.string().nullable(),
    status: detailsStatus,
    meaning: z.string(),
    action: z.string(),
    ownedRecords: z.number().nullable(),
    /** Counted from our own leads, so always current: records worked now (active or paused) and in total. */
    records: z.object({ working: z.number(), total: z.number() }).strict(),
    checkedAt: z.string().nullable(),
    archived: z.boolean(),
  })
  .strict();

const iso = z.string().nullable();

export const orgHealthView = z
  .object({
    zohoOrgId: z.string(),
    name: z.string(),
    authorization: z.string(),
    authorizationProblem: z.string().nullable(),
    dataCentre: z.string(),
    apiDomain: z.string(),
    authorizedBy: z.string().nullable(),
    authorizedAt: iso,
    tokenAgeSeconds: z.number().nullable(),
    accessTokenRefreshedAt: iso,
    notificationChannel: z.object({ channelId: z.string(), expiresAt: iso, expired: z.boolean() }).strict().nullable(),
    lastNotificationAt: iso,
    /** Emails a crash left unconfirmed (handed to SMTP, not recorded as sent; never sent again): for a person to check. */
    unconfirmedEmails: z.array(z.object({ leadId: z.string(), name: z.string(), to: z.string(), subject: z.string(), module: z.string(), recordId: z.string(), at: iso }).strict()),
    /** Whether replies can arrive through POST /webhooks/inbound. */
    inboundWebhook: z.boolean(),
  })
  .strict();

export const crmDetailsAnswer = z
  .object({
    org: orgHealthView,
    assistants: z.array(assistantDetails),
    statuses: z.record(detailsStatus, z.object({ meaning: z.string(), action: z.string() }).strict()),
  })
  .strict();

export type AssistantView = z.infer<typeof assistantView>;
export type SequenceView = z.infer<typeof sequenceView>;
export type PreviewAnswer = z.infer<typeof previewAnswer>;
export type AssistantDetails = z.infer<typeof assistantDetails>;
export type CrmDetailsStatus = z.infer<typeof detailsStatus>;
export type OrgHealthView = z.infer<typeof orgHealthView>;
export type CrmDetailsAnswer = z.infer<typeof crmDetailsAnswer>;

/** A 400's details: each problem with the field it is about (a dotted path such as steps.1.after_days). */
export interface FieldProblem {
  path: string;
  message: string;
}

/** GET /send-plan: the emails of the next days, in order, and the leads that get none, with why. */
export const sendPlanAnswer = z
  .object({
    from: z.string(),
    until: z.string(),
    emails: z.array(
      z
        .object({
          lead_id: z.string(),
          name: z.string().nullable(),
          email: z.string().nullable(),
          assistant: z.string(),
          step: z.number(),
          of: z.number(),
          at: z.string(),
          waited: z.array(z.enum(['sending hours', 'daily cap', 'a pause'])),
          /** Written then as a draft for approval; it goes once a person approves it. */
          draft: z.boolean(),
        })
        .strict(),
    ),
    held: z.array(z.object({ lead_id: z.string(), name: z.string().nullable(), email: z.string().nullable(), reason: z.string() }).strict()),
  })
  .strict();
export type SendPlanAnswer = z.infer<typeof sendPlanAnswer>;
