import { Hono } from 'hono';
import { z } from 'zod';
import { type AssistantInput, createAssistant, deleteAssistant, findAssistantByMailbox, getAssistant, listAssistants, updateAssistant } from '../db/assistants.js';
import { createSequence, deleteSequence, findSequenceByName, getSequence, listSequences, updateSequence } from '../db/sequences.js';
import { requireAdmin } from '../http/auth.js';
import type { AppDeps, AppEnv } from '../http/context.js';
import { appErrors } from '../http/errors.js';
import { jsonBody } from '../http/validate.js';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time as HH:MM');
const timeZone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'an IANA time zone such as Europe/Berlin');

const assistantSchema = z
  .object({
    name: z.string().trim().min(1).max(80),
    mailbox_email: z.email().max(254),
    default_context: z.string().trim().min(1).max(5000),
    signature: z.string().max(2000).default(''),
    default_sequence_id: z.string().uuid().nullable().default(null),
    time_zone: timeZone.default('UTC'),
    business_hours: z.object({ start: clockTime, end: clockTime }).default({ start: '09:00', end: '17:00' }),
    off_days: z.array(z.enum(DAYS)).max(6).default(['sat', 'sun']),
    daily_cap: z.number().int().min(1).max(2000).default(200),
    default_owner_id: z.string().regex(/^\d{1,19}$/, 'a Zoho user id').nullable().default(null),
    nurture_lines: z.array(z.string().trim().min(1).max(300)).max(50).default([]),
    /** The sender's postal address, printed in every email's footer (CAN-SPAM). */
    postal_address: z.string().trim().max(300).default(''),
    /** A link sent at once to a lead who asks for material (BrochureSent). */
    brochure_url: z.union([z.url({ protocol: /^https?$/ }).max(2000), z.literal('')]).default(''),
    /** Sending pauses when hard bounces over sends (7 days) pass this share. */
    bounce_threshold: z.number().min(0.005).max(0.5).default(0.05),
  })
  .strict()
  .refine((input) => input.business_hours.start < input.business_hours.end, { message: 'business hours must start before they end', path: ['business_hours'] });

const stepSchema = z
  .object({
    after_days: z.number('Days between emails must be a whole number, 0–365.').int('Days between emails must be a whole number, 0–365.').min(0, 'Days between emails must be 0–365.').max(365, 'Days between emails must be 0–365.'),
    mode: z.enum(['generated', 'custom']).default('generated'),
    subject: z.string().trim().min(1).max(200).nullable().default(null),
    body: z.string().trim().min(1).max(20_000).nullable().default(null),
  })
  .strict()
  .refine((step) => step.mode === 'generated' || (step.subject !== null && step.body !== null), { message: 'a custom step needs a subject and a body' });

const sequenceSchema = z
  .object({
    name: z.string().trim().min(1).max(80),
    steps: z.array(stepSchema).min(1, 'A sequence needs at least one email.').max(20, 'A sequence has at most 20 emails.'),
    /** Absent: unchanged on update, false on create. */
    is_default: z.boolean().optional(),
  })
  .strict()
  // Several emails all at 0 days would all go out at once: that is not a sequence.
  .refine((input) => input.steps.length < 2 || input.steps.some((step, index) => index > 0 && step.after_days > 0), {
    message: 'Every email is 0 days after the one before, so all of them would go out at once: give at least one follow-up a wait of 1 day or more.',
    path: ['steps', 1, 'after_days'],
  });

/** Assistants and sequences: reads for any widget caller, writes for Zoho admins (and operators). */
export function assistantsApi(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const orgOf = (c: { get(key: 'caller'): { org: { id: string } } }) => c.get('caller').org.id;
  const checkSequence = async (orgId: string, id: string | null) => {
    if (id !== null && !(await getSequence(deps.db, orgId, id))) throw appErrors.validation('default_sequence_id names no sequence of this org.');
  };

  app.get('/assistants', async (c) => c.json({ assistants: await listAssistants(deps.db, orgOf(c)) }));

  app.get('/assistants/:id', async (c) => {
    const assistant = await getAssistant(deps.db, orgOf(c), c.req.param('id'));
    if (!assistant) throw appErrors.notFound('The assistant');
    return c.json(assistant);
  });

  app.post('/assistants', async (c) => {
    requireAdmin(c);
    const input = (await jsonBody(c, assistantSchema)) as AssistantInput;
    const orgId = orgOf(c);
    await checkSequence(orgId, input.default_sequence_id);
    const taken = () => appErrors.conflict(`An assistant already uses ${input.mailbox_email}.`);
    if (await findAssistantByMailbox(deps.db, orgId, input.mailbox_email)) throw taken();
    // Another request may take the mailbox between the check and the insert: the insert says so.
    const created = await createAssistant(deps.db, orgId, input, deps.engine.now());
    if (!created) throw taken();
    return c.json(created, 201);
  });

  app.put('/assistants/:id', async (c) => {
    requireAdmin(c);
    const input = (await jsonBody(c, assistantSchema)) as AssistantInput;
    const orgId = orgOf(c);
    await checkSequence(orgId, input.default_sequence_id);
    const clash = await findAssistantByMailbox(deps.db, orgId, input.mailbox_email);
    if (clash && clash.id !== c.req.param('id')) throw appErrors.conflict(`An assistant already uses ${input.mailbox_email}.`);
    const updated = await updateAssistant(deps.db, orgId, c.req.param('id'), input, deps.engine.now());
    if (!updated) throw appErrors.notFound('The assistant');
    return c.json(updated);
  });

  app.delete('/assistants/:id', async (c) => {
    requireAdmin(c);
    if (!(await deleteAssistant(deps.db, orgOf(c), c.req.param('id')))) throw appErrors.notFound('The assistant');
    return c.body(null, 204);
  });

  app.get('/sequences', async (c) => c.json({ sequences: await listSequences(deps.db, orgOf(c)) }));

  app.get('/sequences/:id', async (c) => {
    const sequence = await getSequence(deps.db, orgOf(c), c.req.param('id'));
    if (!sequence) throw appErrors.notFound('The sequence');
    return c.json(sequence);
  });

  app.post('/sequences', async (c) => {
    requireAdmin(c);
    const input = await jsonBody(c, sequenceSchema);
    const orgId = orgOf(c);
    const taken = () => appErrors.conflict(`A sequence is already named "${input.name}".`);
    if (await findSequenceByName(deps.db, orgId, input.name)) throw taken();
    // Another request may take the name between the check and the insert: the insert says so.
    const created = await createSequence(deps.db, orgId, { name: input.name, steps: input.steps, isDefault: input.is_default ?? false }, deps.engine.now());
    if (!created) throw taken();
    return c.json(created, 201);
  });

  app.put('/sequences/:id', async (c) => {
    requireAdmin(c);
    const input = await jsonBody(c, sequenceSchema);
    const orgId = orgOf(c);
    const clash = await findSequenceByName(deps.db, orgId, input.name);
    if (clash && clash.id !== c.req.param('id')) throw appErrors.conflict(`A sequence is already named "${input.name}".`);
    const current = await getSequence(deps.db, orgId, c.req.param('id'));
    if (!current) throw appErrors.notFound('The sequence');
    if (current.is_default && input.is_default === false) {
      throw appErrors.conflict('An org always has a default sequence: make another one the default instead.');
    }
    const updated = await updateSequence(deps.db, orgId, current.id, { name: input.name, steps: input.steps, ...(input.is_default === undefined ? {} : { isDefault: input.is_default }) }, deps.engine.now());
    if (!updated) throw appErrors.notFound('The sequence');
    return c.json(updated);
  });

  app.delete('/sequences/:id', async (c) => {
    requireAdmin(c);
    const orgId = orgOf(c);
    const sequence = await getSequence(deps.db, orgId, c.req.param('id'));
    if (!sequence) throw appErrors.notFound('The sequence');
    if (sequence.is_default) throw appErrors.conflict('The default sequence cannot be deleted; make another one the default first.');
    await deleteSequence(deps.db, orgId, sequence.id);
    return c.body(null, 204);
  });

  return app;
}
