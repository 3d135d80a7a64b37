import { Hono } from 'hono';
import { getAssistant, listAssistants } from '../db/assistants.js';
import { listOrgFields } from '../db/org-setup.js';
import { getSequence, listSequences } from '../db/sequences.js';
import { WORKED_MODULES } from '../domain/modules.js';
import type { AppDeps, AppEnv } from '../http/context.js';
import { appErrors } from '../http/errors.js';
import type { Engine, Lead, LeadCommand, LeadStatus } from '../engine/engine.js';
import { jsonBody } from '../http/validate.js';
import { correctionSchema } from './api-replies.js';

const STATUSES: LeadStatus[] = ['active', 'paused', 'handed_back', 'stopped'];

function describe(deps: AppDeps, lead: Lead) {
  const sequence = getSequence(deps.db, lead.org_id, lead.sequence_id);
  const assistant = getAssistant(deps.db, lead.org_id, lead.assistant_id);
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
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
    name: [lead.first_name, lead.last_name].filter(Boolean).join(' ') || null,
    company: lead.company,
    context: lead.context,
    previousOwner: lead.previous_owner_name,
    nextSendAt: iso(lead.next_send_at),
    lastSentAt: iso(lead.last_sent_at),
    lastReply: lead.last_intent === null ? null : { intent: lead.last_intent, at: iso(lead.last_reply_at) },
    resumeAt: iso(lead.resume_at),
    closeReason: lead.close_reason,
    closedAt: iso(lead.closed_at),
    createdAt: iso(lead.created_at),
  };
}

/** Leads for the record widget and operators: read, and pause / resume / hand back / send now. */
export function leadsApi(deps: AppDeps, engine: Engine): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const leadOf = (orgId: string, id: string) => {
    const lead = engine.lead(orgId, id);
    if (!lead) throw appErrors.notFound('The lead');
    return lead;
  };

  app.get('/leads', (c) => {
    const status = c.req.query('status') as LeadStatus | undefined;
    if (status !== undefined && !STATUSES.includes(status)) throw appErrors.validation(`status must be one of ${STATUSES.join(', ')}.`);
    const limit = Math.min(Math.max(Math.trunc(Number(c.req.query('limit') ?? 100)) || 100, 1), 500);
    const leads = engine.leads(c.get('caller').org.id, { ...(status ? { status } : {}), ...(c.req.query('assistant_id') ? { assistantId: c.req.query('assistant_id')! } : {}), limit });
    return c.json({ leads: leads.map((lead) => describe(deps, lead)) });
  });

  app.get('/leads/by-record/:module/:recordId', (c) => {
    const lead = engine.leadOfRecord(c.get('caller').org.id, c.req.param('module'), c.req.param('recordId'));
    if (!lead) throw appErrors.notFound('A lead for this record');
    return c.json(describe(deps, lead));
  });

  /**
   * Everything the record widget shows, in one call: where the context and sequence live on this
   * module, the assistants it can assign to, the sequences, and the lead
   * with its latest events when the assistant has worked the record.
   */
  app.get('/record-widget/:module/:recordId', (c) => {
    const { module, recordId } = c.req.param();
    if (!(WORKED_MODULES as readonly string[]).includes(module)) throw appErrors.validation(`module must be one of ${WORKED_MODULES.join(', ')}.`);
    if (!/^\d{1,19}$/.test(recordId)) throw appErrors.validation('recordId must be a Zoho record id (digits).');
    const orgId = c.get('caller').org.id;
    const fields = listOrgFields(deps.db, orgId).filter((field) => field.module === module);
    const lead = engine.leadOfRecord(orgId, module, recordId);
    return c.json({
      fields: {
        context: fields.find((field) => field.role === 'context')?.api_name ?? null,
        sequence: fields.find((field) => field.role === 'sequence')?.api_name ?? null,
      },
      // zohoUserId is known once CRM Details has matched the mailbox to a Zoho user; until then the
      // widget matches mailboxEmail against the org's users itself.
      assistants: listAssistants(deps.db, orgId).map((assistant) => ({
        id: assistant.id,
        name: assistant.name,
        mailboxEmail: assistant.mailbox_email,
        zohoUserId: assistant.zoho_user_id,
        defaultSequenceId: assistant.default_sequence_id,
      })),
      sequences: listSequences(deps.db, orgId).map((sequence) => ({ id: sequence.id, name: sequence.name, steps: sequence.steps.length })),
      lead: lead ? describe(deps, lead) : null,
      events: lead
        ? engine
            .leadEvents(lead)
            .slice(-8)
            .reverse()
            .map((event) => ({ at: new Date(event.at).toISOString(), kind: event.kind, ...event.detail }))
        : [],
    });
  });

  app.get('/leads/:id', (c) => c.json(describe(deps, leadOf(c.get('caller').org.id, c.req.param('id')))));

  app.get('/leads/:id/timeline', (c) => {
    const lead = leadOf(c.get('caller').org.id, c.req.param('id'));
    const emails = engine
      .leadOutbox(lead)
      .filter((row) => row.kind === 'email')
      .map((row) => {
        const payload = JSON.parse(row.payload) as { step: number; email: { subject: string; to: string } };
        return { step: payload.step + 1, subject: payload.email.subject, to: payload.email.to, delivery: row.status, at: new Date(row.done_at ?? row.created_at).toISOString() };
      });
    return c.json({
      lead: describe(deps, lead),
      events: engine.leadEvents(lead).map((event) => ({ at: new Date(event.at).toISOString(), kind: event.kind, ...event.detail })),
      emails,
      nextSendAt: lead.next_send_at === null ? null : new Date(lead.next_send_at).toISOString(),
    });
  });

  /** "This was: Agreed to meet" from the record widget: any user of the org may correct a reply of the record. */
  app.post('/leads/:id/replies/:inboundId/correction', async (c) => {
    const lead = leadOf(c.get('caller').org.id, c.req.param('id'));
    const inboundId = Number(c.req.param('inboundId'));
    const row = Number.isInteger(inboundId) ? engine.inbound(lead.org_id, inboundId) : undefined;
    if (!row || row.lead_id !== lead.id) throw appErrors.notFound('The reply');
    const { intent } = await jsonBody(c, correctionSchema);
    const caller = c.get('caller');
    const result = await engine.correctReply(lead.org_id, inboundId, intent, caller.admin?.email ?? 'A user (record widget)');
    return c.json({ correction: result, lead: describe(deps, engine.lead(lead.org_id, lead.id)!) });
  });

  for (const command of ['pause', 'resume', 'hand-back', 'send-now'] satisfies LeadCommand[]) {
    app.post(`/leads/:id/${command}`, (c) => {
      const lead = leadOf(c.get('caller').org.id, c.req.param('id'));
      const refused = engine.command(lead, command);
      if (refused) throw appErrors.conflict(refused);
      return c.json(describe(deps, engine.lead(lead.org_id, lead.id)!));
    });
  }

  return app;
}
