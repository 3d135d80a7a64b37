import { Hono } from 'hono';
import { z } from 'zod';
import { getAssistant, listAssistants } from '../db/assistants.js';
import { leadName } from '../db/leads.js';
import { listOrgFields } from '../db/org-setup.js';
import { getSequence, listSequences } from '../db/sequences.js';
import { WORKED_MODULES } from '../domain/modules.js';
import { type DraftView, type DraftsAnswer, type LeadEventView, type LeadView, type RecordWidgetAnswer, draftApproval, draftSkip } from '../contract/record-widget.js';
import type { SendPlanAnswer } from '../contract/settings.js';
import { isReplyIntent } from '../domain/reply-intents.js';
import type { AppDeps, AppEnv } from '../http/context.js';
import { appErrors } from '../http/errors.js';
import type { Draft, DraftOutcome, Engine, Lead, LeadCommand, LeadEvent, LeadStatus } from '../engine/engine.js';
import { jsonBody } from '../http/validate.js';
import { correctionSchema } from './api-replies.js';

const STATUSES: LeadStatus[] = ['active', 'paused', 'handed_back', 'stopped'];

/** A handback due this soon is under way. */
const HANDING_BACK_WITHIN_MS = 60 * 1000;

const sequenceChoiceSchema = z.object({ sequenceId: z.string().min(1, 'Choose a sequence.') });

/** A worked module and a Zoho record id, or a 400 saying which is wrong. */
function recordParams(params: { module?: string; recordId?: string }): { module: string; recordId: string } {
  const module = params.module ?? '';
  const recordId = params.recordId ?? '';
  if (!(WORKED_MODULES as readonly string[]).includes(module)) throw appErrors.validation(`module must be one of ${WORKED_MODULES.join(', ')}.`);
  if (!/^\d{1,19}$/.test(recordId)) throw appErrors.validation('recordId must be a Zoho record id (digits).');
  return { module, recordId };
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** A timeline entry with the details the widget reads (the engine notes more with some). */
function eventView(event: LeadEvent): LeadEventView {
  const { detail } = event;
  const view: LeadEventView = { at: new Date(event.at).toISOString(), kind: event.kind };
  for (const key of ['reason', 'subject', 'intent', 'meeting', 'unclear', 'excerpt', 'from', 'to'] as const) {
    const value = text(detail[key]);
    if (value !== undefined) view[key] = value;
  }
  if (typeof detail.inboundId === 'number') view.inboundId = detail.inboundId;
  if (detail.previousClose === null || typeof detail.previousClose === 'string') view.previousClose = detail.previousClose;
  return view;
}

function draftView(draft: Draft, lead: Pick<Lead, 'steps_total'>): DraftView {
  const { writtenAt, expiresAt, step, ...rest } = draft;
  return { ...rest, step: step + 1, of: lead.steps_total, writtenAt: new Date(writtenAt).toISOString(), expiresAt: new Date(expiresAt).toISOString() };
}

/**
 * Who approved or skipped, for the Zoho note: the signed-in admin's address; else the name the
 * widget's host gives for its user (any user of the org holds the widget key, so it is their word).
 */
const decider = (caller: { admin: { email: string } | undefined }, claimed: string | undefined) => caller.admin?.email ?? claimed ?? 'a Zoho user';

async function describe(deps: AppDeps, engine: Engine, lead: Lead): Promise<LeadView> {
  const sequence = await getSequence(deps.db, lead.org_id, lead.sequence_id);
  const assistant = await getAssistant(deps.db, lead.org_id, lead.assistant_id);
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const handbackAt = lead.status === 'active' || lead.status === 'paused' ? await engine.handbackDueAt(lead) : undefined;
  return {
    id: lead.id,
    zohoModule: lead.zoho_module,
    zohoRecordId: lead.zoho_record_id,
    assistant: assistant ? { id: assistant.id, name: assistant.name } : null,
    sequence: sequence ? { id: sequence.id, name: sequence.name } : null,
    status: lead.status,
    state: lead.state,
    step: { sent: lead.next_step, total: lead.steps_total },
    email: lead.email,
    name: leadName(lead),
    company: lead.company,
    context: lead.context,
    previousOwner: lead.previous_owner_name,
    nextSendAt: iso(lead.next_send_at),
    lastSentAt: iso(lead.last_sent_at),
    lastReply: lead.last_intent === null ? null : { intent: isReplyIntent(lead.last_intent) ? lead.last_intent : 'Unclassified', at: iso(lead.last_reply_at) },
    resumeAt: iso(lead.resume_at),
    closeReason: lead.close_reason,
    closedAt: iso(lead.closed_at),
    // The handback is planned: "hand back now" (due at once) or the wait after the last email;
    // handingBack while it is due, so the widget says "Handing back" rather than "Working".
    handbackAt: iso(handbackAt ?? null),
    handingBack: handbackAt !== undefined && handbackAt <= engine.now() + HANDING_BACK_WITHIN_MS,
    createdAt: iso(lead.created_at),
  };
}

/** Leads for the record widget and operators: read, and pause / resume / hand back / send now. */
export function leadsApi(deps: AppDeps, engine: Engine): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const leadOf = async (orgId: string, id: string) => {
    const lead = await engine.lead(orgId, id);
    if (!lead) throw appErrors.notFound('The lead');
    return lead;
  };

  app.get('/leads', async (c) => {
    const status = c.req.query('status') as LeadStatus | undefined;
    if (status !== undefined && !STATUSES.includes(status)) throw appErrors.validation(`status must be one of ${STATUSES.join(', ')}.`);
    const limit = Math.min(Math.max(Math.trunc(Number(c.req.query('limit') ?? 100)) || 100, 1), 500);
    const leads = await engine.leads(c.get('caller').org.id, { ...(status ? { status } : {}), ...(c.req.query('assistant_id') ? { assistantId: c.req.query('assistant_id')! } : {}), limit });
    return c.json({ leads: await Promise.all(leads.map((lead) => describe(deps, engine, lead))) });
  });

  // The send plan: the next 14 days (at most 60), email by email, and the leads that get none, with why.
  app.get('/send-plan', async (c) => {
    const raw = c.req.query('days') ?? '14';
    const days = Number(raw);
    if (!Number.isInteger(days) || days < 1 || days > 60) throw appErrors.validation('days must be a whole number of days, 1–60.');
    const plan = await engine.sendPlan(c.get('caller').org.id, days);
    const iso = (at: number) => new Date(at).toISOString();
    return c.json({
      from: iso(plan.from),
      until: iso(plan.until),
      emails: plan.emails.map((email) => ({ lead_id: email.leadId, name: email.name, email: email.email, assistant: email.assistant, step: email.step, of: email.of, at: iso(email.at), waited: email.waited, draft: email.draft })),
      held: plan.held.map((lead) => ({ lead_id: lead.leadId, name: lead.name, email: lead.email, reason: lead.reason })),
    } satisfies SendPlanAnswer);
  });

  app.get('/leads/by-record/:module/:recordId', async (c) => {
    const lead = await engine.leadOfRecord(c.get('caller').org.id, c.req.param('module'), c.req.param('recordId'));
    if (!lead) throw appErrors.notFound('A lead for this record');
    return c.json(await describe(deps, engine, lead));
  });

  /**
   * Everything the record widget shows, in one call: where the context and sequence live on this
   * module, the assistants it can assign to, the sequences, and the lead
   * with its latest events when the assistant has worked the record.
   */
  app.get('/record-widget/:module/:recordId', async (c) => {
    const { module, recordId } = recordParams(c.req.param());
    const orgId = c.get('caller').org.id;
    const fields = (await listOrgFields(deps.db, orgId)).filter((field) => field.module === module);
    const lead = await engine.leadOfRecord(orgId, module, recordId);
    // An archived assistant takes no new records: it is not offered.
    const assistants = (await listAssistants(deps.db, orgId)).filter((assistant) => assistant.archived_at === null);
    const sequences = await listSequences(deps.db, orgId);
    const events = lead ? await engine.leadEvents(lead) : [];
    const draft = lead ? (await engine.drafts(orgId, lead.id))[0] : undefined;
    return c.json({
      fields: {
        context: fields.find((field) => field.role === 'context')?.api_name ?? null,
        sequence: fields.find((field) => field.role === 'sequence')?.api_name ?? null,
      },
      // zohoUserId is known once CRM Details has matched the mailbox to a Zoho user; until then the
      // widget matches mailboxEmail against the org's users itself.
      assistants: assistants.map((assistant) => ({
        id: assistant.id,
        name: assistant.name,
        mailboxEmail: assistant.mailbox_email,
        zohoUserId: assistant.zoho_user_id,
        defaultSequenceId: assistant.default_sequence_id,
      })),
      sequences: sequences.map((sequence) => ({ id: sequence.id, name: sequence.name, steps: sequence.steps.length })),
      lead: lead ? await describe(deps, engine, lead) : null,
      draft: lead && draft ? draftView(draft, lead) : null,
      events: events.slice(-8).reverse().map(eventView),
    } satisfies RecordWidgetAnswer);
  });

  /** The sequence chosen in the widget for the assignment that follows (the record's picklist may not list it). */
  app.post('/record-widget/:module/:recordId/sequence', async (c) => {
    const { module, recordId } = recordParams(c.req.param());
    const { sequenceId } = await jsonBody(c, sequenceChoiceSchema);
    const caller = c.get('caller');
    if (!(await getSequence(deps.db, caller.org.id, sequenceId))) throw appErrors.notFound('The sequence');
    const refused = await engine.chooseSequence(caller.org.id, module, recordId, sequenceId, caller.admin?.email ?? null);
    if (refused) throw appErrors.conflict(refused);
    return c.json({ sequenceId });
  });

  app.get('/leads/:id', async (c) => c.json(await describe(deps, engine, await leadOf(c.get('caller').org.id, c.req.param('id')))));

  app.get('/leads/:id/timeline', async (c) => {
    const lead = await leadOf(c.get('caller').org.id, c.req.param('id'));
    const emails = (await engine.leadOutbox(lead))
      .filter((row) => row.kind === 'email')
      .map((row) => {
        const payload = JSON.parse(row.payload) as { step: number; email: { subject: string; to: string } };
        return { step: payload.step + 1, subject: payload.email.subject, to: payload.email.to, delivery: row.status, at: new Date(row.done_at ?? row.created_at).toISOString() };
      });
    return c.json({
      lead: await describe(deps, engine, lead),
      events: (await engine.leadEvents(lead)).map((event) => ({ at: new Date(event.at).toISOString(), kind: event.kind, ...event.detail })),
      emails,
      nextSendAt: lead.next_send_at === null ? null : new Date(lead.next_send_at).toISOString(),
    });
  });

  /** "This was: Agreed to meet" from the record widget: any user of the org may correct a reply of the record. */
  app.post('/leads/:id/replies/:inboundId/correction', async (c) => {
    const lead = await leadOf(c.get('caller').org.id, c.req.param('id'));
    const inboundId = Number(c.req.param('inboundId'));
    const row = Number.isInteger(inboundId) ? await engine.inbound(lead.org_id, inboundId) : undefined;
    if (!row || row.lead_id !== lead.id) throw appErrors.notFound('The reply');
    const { intent } = await jsonBody(c, correctionSchema);
    const caller = c.get('caller');
    const result = await engine.correctReply(lead.org_id, inboundId, intent, caller.admin?.email ?? 'A user (record widget)');
    return c.json({ correction: result, lead: await describe(deps, engine, (await engine.lead(lead.org_id, lead.id))!) });
  });

  // Drafts for approval: the settings tab's list, and approve (as edited) or skip from it or the record widget.
  app.get('/drafts', async (c) => {
    const orgId = c.get('caller').org.id;
    const assistants = new Map((await listAssistants(deps.db, orgId)).map((assistant) => [assistant.id, assistant.name]));
    const drafts: DraftsAnswer['drafts'] = [];
    const waiting = await engine.drafts(orgId);
    const leads = await engine.leadsById(orgId, waiting.map((draft) => draft.leadId));
    for (const draft of waiting) {
      const lead = leads.get(draft.leadId);
      if (!lead) continue;
      drafts.push({
        ...draftView(draft, lead),
        name: leadName(lead),
        company: lead.company,
        zohoModule: lead.zoho_module,
        zohoRecordId: lead.zoho_record_id,
        assistant: assistants.get(lead.assistant_id) ?? null,
      });
    }
    return c.json({ drafts } satisfies DraftsAnswer);
  });

  const decided = (outcome: DraftOutcome) => {
    if (outcome.ok) return { sendAt: outcome.sendAt === undefined ? null : new Date(outcome.sendAt).toISOString() };
    if (outcome.refused === 'not_found') throw appErrors.notFound('The draft');
    if (outcome.refused === 'invalid') throw appErrors.validation(outcome.message, [{ path: 'text', message: outcome.message }]);
    throw appErrors.conflict(outcome.message);
  };
  const draftId = (raw: string) => {
    const id = Number(raw);
    if (!Number.isInteger(id) || id < 1) throw appErrors.notFound('The draft');
    return id;
  };

  app.post('/drafts/:id/approve', async (c) => {
    const id = draftId(c.req.param('id'));
    const { by, ...edit } = await jsonBody(c, draftApproval);
    const caller = c.get('caller');
    return c.json(decided(await engine.decideDraft(caller.org.id, id, { approve: edit }, decider(caller, by))));
  });

  app.post('/drafts/:id/skip', async (c) => {
    const id = draftId(c.req.param('id'));
    // The body is optional here: none is the same as {}.
    const { by } = (await c.req.raw.clone().text()).trim() === '' ? {} : await jsonBody(c, draftSkip);
    const caller = c.get('caller');
    return c.json(decided(await engine.decideDraft(caller.org.id, id, { skip: true }, decider(caller, by))));
  });

  for (const command of ['pause', 'resume', 'hand-back', 'send-now'] satisfies LeadCommand[]) {
    app.post(`/leads/:id/${command}`, async (c) => {
      const lead = await leadOf(c.get('caller').org.id, c.req.param('id'));
      const refused = await engine.command(lead, command);
      if (refused) throw appErrors.conflict(refused);
      return c.json(await describe(deps, engine, (await engine.lead(lead.org_id, lead.id))!));
    });
  }

  return app;
}
