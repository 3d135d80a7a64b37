import { GroupCommit } from '../db/group-commit.js';
import { NOTIFICATION_MARK_MS, listActiveOrgs } from '../db/orgs.js';
import type { EngineDeps } from './context.js';
import { RENEW_INTERVAL_MS } from './context.js';
import { queueIntake } from './intake.js';
import { type JobRow, enqueueJob, pendingJobRunAt, requestJob, scheduleJob } from '../db/jobs.js';
import { listMailboxAssistants, setSendingPaused } from '../db/assistants.js';
import { deleteMailboxCursor, type MailboxStatus, mailboxStatus } from '../db/mailbox-cursors.js';
import { setReferralStatus } from '../db/referrals.js';
import { connectorEnabled } from '../connector/settings.js';
import { type SyncResult, abandonRuns, runSync } from '../connector/sync.js';
import { JobRunner, type RunnerOptions } from './runner.js';
import { jobOf, payloadOf } from './job-kinds.js';
import { jobHandlers } from './jobs/handlers.js';
import { queueHandback } from './effects.js';
import { type Lead, type LeadEvent, type LeadStatus, findLeadByRecord, getLead, getLeads, listLeadEvents, listLeads } from '../db/leads.js';
import { type OutboxRow, type UnconfirmedEmail, getOutbox, outboxOfLead, unconfirmedEmails } from '../db/outbox.js';
import { scheduleSweep } from './sweep.js';
import type { ReplyIntent } from '../domain/reply-intents.js';
import { type CorrectionResult, correctReply } from './corrections.js';
import { type LeadCommand, commandLead, leadOfUnsubscribeToken, unsubscribeLead } from './lead-commands.js';
import { type ZohoNotification, acceptNotification } from './notifications.js';
import { type InboundRow, getInbound, listInbound, rawOf } from '../db/inbound.js';
import { ingestMessage } from './inbound.js';
import { type Suppression, listSuppressions, suppress, unsuppress } from '../db/suppressions.js';
import { getSequence } from '../db/sequences.js';
import { requestSequence } from '../db/sequence-requests.js';
import type { Assistant } from '../db/assistants.js';
import type { SequenceStep } from '../db/sequences.js';
import { archiveAssistant, previewStep, unarchiveAssistant } from './assistants.js';
import { type SendPlan, sendPlan } from './send-plan.js';
import { type Draft, type DraftEdit, type DraftOutcome, approveDraft, draftsOf, skipDraft } from './drafts.js';

export type { CorrectionResult, Draft, DraftEdit, DraftOutcome, InboundRow, SendPlan, Lead, LeadCommand, LeadEvent, LeadStatus, MailboxStatus, OutboxRow, Suppression, ZohoNotification };
export { MAX_RAW_BYTES } from './inbound.js';

/** The engine: job handlers over one runner, plus the entry points the HTTP side uses. */
export class Engine {
  readonly runner: JobRunner;
  private readonly notifications: GroupCommit;
  /** When this process last marked each org's "last notification" time. */
  private readonly notificationMarks = new Map<string, number>();

  constructor(
    readonly deps: EngineDeps,
    options: RunnerOptions = {},
  ) {
    this.notifications = new GroupCommit(deps.db);
    this.runner = new JobRunner(
      deps.db,
      deps.clock,
      jobHandlers(deps),
      deps.logger,
      { ...options, onFinalFailure: (job, error) => this.gaveUp(job, error) },
    );
  }

  /**
   * A lead's own work (a step or a send) failed for good: the record must not sit with the
   * assistant in silence, so it goes back to its owner with the reason.
   */
  private async gaveUp(job: JobRow, error: string): Promise<void> {
    if (job.kind === 'referral') {
      const payload = payloadOf('referral', job.payload);
      if (payload) await setReferralStatus(this.deps.db, payload.orgId, payload.referralId, 'failed', this.deps.clock.now());
      return;
    }
    const step = job.kind === 'step' ? payloadOf('step', job.payload) : undefined;
    const send = job.kind === 'send' ? payloadOf('send', job.payload) : undefined;
    const orgId = step?.orgId ?? send?.orgId;
    if (!orgId) return;
    const leadId = step?.leadId ?? (send ? (await getOutbox(this.deps.db, orgId, send.outboxId))?.lead_id : undefined);
    if (!leadId) return;
    const lead = await getLead(this.deps.db, orgId, leadId);
    if (!lead || (lead.status !== 'active' && lead.status !== 'paused')) return;
    const now = this.deps.clock.now();
    await queueHandback(this.deps, lead, `the assistant could not continue: ${error.slice(0, 200)}`, 'Processed', now, now);
  }

  /** A record changed in Zoho (a notification, or the sweep): decide what it means, soon. */
  async recordChanged(orgId: string, module: string, recordId: string, stamp: string): Promise<boolean> {
    return queueIntake(this.deps, orgId, module, recordId, stamp, 'changed', this.deps.clock.now());
  }

  /** Makes sure every active org has its recurring work (polling sweep, channel renewal) scheduled. */
  async ensureRecurringWork(): Promise<void> {
    const now = this.deps.clock.now();
    const orgs = await listActiveOrgs(this.deps.db);
    for (const org of orgs) {
      await enqueueJob(this.deps.db, jobOf('sweep', { orgId: org.id }, now), now);
      await enqueueJob(this.deps.db, jobOf('renew', { orgId: org.id }, now), now);
    }
    for (const mailbox of await listMailboxAssistants(this.deps.db)) await this.pollMailboxSoon(mailbox.org_id, mailbox.id);
    for (const org of orgs) if (await connectorEnabled(this.deps.db, org.id)) await this.syncNow(org.id);
  }

  /** Runs the org's connector sync as soon as possible (settings saved, "Run now"); the schedule goes on from there. */
  async syncNow(orgId: string): Promise<void> {
    const now = this.deps.clock.now();
    await requestJob(this.deps.db, jobOf('sync', { orgId }, now), now);
    this.runner.poke();
  }

  /** Reads an assistant's mailbox now (settings saved, or IDLE saw new mail); polling goes on from there. */
  async pollMailboxSoon(orgId: string, assistantId: string): Promise<void> {
    const now = this.deps.clock.now();
    await requestJob(this.deps.db, jobOf('mailbox', { orgId, assistantId }, now), now);
    this.runner.poke();
  }

  /** A newly authorized org: sweep now, and keep its channel renewed. */
  async startOrg(orgId: string): Promise<void> {
    const now = this.deps.clock.now();
    await scheduleSweep(this.deps, orgId, now);
    await scheduleJob(this.deps.db, jobOf('renew', { orgId }, now + RENEW_INTERVAL_MS), now);
  }

  runUntilIdle(): Promise<number> {
    return this.runner.runUntilIdle();
  }

  // The door for routes and services: what they read of leads and replies, and what they ask.

  /**
   * The engine's time, for every business record the routes store (assistants, sequences,
   * connector settings, segments, taught phrases, mailboxes), so they share the leads' timeline
   * (the demo's sped-up clock included). Authorization, sessions and Zoho's channel expiry keep real time.
   */
  now(): number {
    return this.deps.clock.now();
  }

  /** Who gets which email when over the next `days`, and who gets none and why (engine/send-plan.ts). */
  sendPlan(orgId: string, days: number): Promise<SendPlan> {
    return sendPlan(this.deps, orgId, days);
  }

  async lead(orgId: string, id: string): Promise<Lead | undefined> {
    return getLead(this.deps.db, orgId, id);
  }

  /** Several of the org's leads by id, in one read (a list that names each row's lead). */
  async leadsById(orgId: string, ids: readonly string[]): Promise<Map<string, Lead>> {
    return getLeads(this.deps.db, orgId, ids);
  }

  async leads(orgId: string, filter: { status?: LeadStatus; assistantId?: string; limit?: number } = {}): Promise<Lead[]> {
    return listLeads(this.deps.db, orgId, filter);
  }

  async leadOfRecord(orgId: string, module: string, recordId: string): Promise<Lead | undefined> {
    return findLeadByRecord(this.deps.db, orgId, module, recordId);
  }

  /** When the lead's handback is due (hand back now, an unsubscribe, the sequence's end), while it is planned. */
  async handbackDueAt(lead: Lead): Promise<number | undefined> {
    return pendingJobRunAt(this.deps.db, jobOf('handback', { orgId: lead.org_id, leadId: lead.id, reason: '', state: 'Processed' }, 0).key);
  }

  /** Emails waiting for a person's approval: the org's, or one lead's. */
  drafts(orgId: string, leadId?: string): Promise<Draft[]> {
    return draftsOf(this.deps, orgId, leadId);
  }

  /** Approves a draft as edited (the edit is what is sent) or skips it (never sent); `by` is named in the Zoho note. */
  async decideDraft(orgId: string, id: number, decision: { approve: DraftEdit } | { skip: true }, by: string): Promise<DraftOutcome> {
    const outcome = 'approve' in decision ? await approveDraft(this.deps, orgId, id, decision.approve, by) : await skipDraft(this.deps, orgId, id, by);
    if (outcome.ok) this.runner.poke();
    return outcome;
  }

  async leadEvents(lead: Lead): Promise<LeadEvent[]> {
    return listLeadEvents(this.deps.db, lead.org_id, lead.id);
  }

  async leadOutbox(lead: Lead): Promise<OutboxRow[]> {
    return outboxOfLead(this.deps.db, lead.org_id, lead.id);
  }

  /** Emails a crash left unconfirmed, for a person to check (CRM Details). */
  async unconfirmedEmails(orgId: string): Promise<UnconfirmedEmail[]> {
    return unconfirmedEmails(this.deps.db, orgId);
  }

  /** Pause, resume, hand back now or send the next email now: null when done, else why not. */
  /**
   * The sequence a person chose in the record widget for a record they are about to assign: intake
   * uses it (within the hour) over the record's picklist. Answers why it was refused, or null.
   */
  /** Archives an assistant and hands back the records it works; the number handed back, or undefined when there is none. */
  archiveAssistant(orgId: string, assistantId: string): Promise<number | undefined> {
    return archiveAssistant(this.deps, orgId, assistantId);
  }

  unarchiveAssistant(orgId: string, assistantId: string): Promise<Assistant | undefined> {
    return unarchiveAssistant(this.deps, orgId, assistantId);
  }

  /** The email a step would send, for a sample lead (the settings tab's preview). */
  previewStep(orgId: string, input: { assistantId?: string; step: SequenceStep; stepIndex: number; stepsTotal: number }) {
    return previewStep(this.deps, orgId, input);
  }

  async chooseSequence(orgId: string, module: string, recordId: string, sequenceId: string, by: string | null): Promise<string | null> {
    const sequence = await getSequence(this.deps.db, orgId, sequenceId);
    if (!sequence) return 'That sequence does not exist (any more).';
    if (sequence.steps.length === 0) return `The "${sequence.name}" sequence has no emails.`;
    await requestSequence(this.deps.db, { orgId, module, recordId, sequenceId, by }, this.deps.clock.now());
    return null;
  }

  async command(lead: Lead, command: LeadCommand): Promise<string | null> {
    const refused = await commandLead(this.deps, lead, command);
    if (refused === null) this.runner.poke();
    return refused;
  }

  /** "This was: Agreed to meet": logged in Zoho, what the misread did undone where safe, an org example from now on. */
  async correctReply(orgId: string, inboundId: number, intent: ReplyIntent, by: string): Promise<CorrectionResult | null> {
    const result = await correctReply(this.deps, orgId, inboundId, intent, by);
    this.runner.poke();
    return result;
  }

  async inbound(orgId: string, id: number): Promise<InboundRow | undefined> {
    return getInbound(this.deps, orgId, id);
  }

  async inboundMessages(orgId: string, filter: { status?: string; leadId?: string; limit?: number }): Promise<InboundRow[]> {
    return listInbound(this.deps, orgId, filter);
  }

  async inboundRaw(orgId: string, id: number): Promise<Buffer> {
    return rawOf(this.deps, orgId, id);
  }

  /** Raw mail from IMAP or the inbound webhook joins the reply pipeline. */
  async ingestInbound(input: { raw: Buffer; source: 'imap' | 'webhook'; orgId?: string; assistantId?: string }): Promise<{ id: number; duplicate: boolean; orgId: string | null }> {
    const stored = await ingestMessage(this.deps, input);
    this.runner.poke();
    return stored;
  }

  /** A verified Zoho notification, durable when this resolves (concurrent ones share a commit); answers how many intakes it queued. */
  async notificationReceived(orgId: string, channelId: string, body: string, notification: ZohoNotification): Promise<number> {
    const now = this.deps.clock.now();
    const marked = this.notificationMarks.get(orgId);
    // The org's "last notification" time is kept to the minute (db/orgs.ts): one UPDATE a minute per org and process, not one per notification.
    const markOrg = marked === undefined || now - marked >= NOTIFICATION_MARK_MS || now < marked;
    const queued = await this.notifications.run((tx) => acceptNotification({ ...this.deps, db: tx }, orgId, channelId, body, notification, { markOrg }));
    if (markOrg) this.notificationMarks.set(orgId, now);
    this.runner.poke();
    return queued;
  }

  async suppressions(orgId: string, limit: number, offset: number): Promise<Suppression[]> {
    return listSuppressions(this.deps.db, orgId, limit, offset);
  }

  /** An admin adds an address to the suppression list (at the engine's clock, like every stored time). */
  async suppressAddress(orgId: string, email: string, by: string): Promise<boolean> {
    return suppress(this.deps.db, orgId, email, 'manual', by, this.deps.clock.now());
  }

  async unsuppressAddress(orgId: string, email: string): Promise<boolean> {
    return unsuppress(this.deps.db, orgId, email);
  }

  async mailboxStatus(orgId: string, assistantId: string): Promise<MailboxStatus | undefined> {
    return mailboxStatus(this.deps, orgId, assistantId);
  }

  /** New mailbox settings: reading starts at what arrives from now on, at once. */
  async mailboxSaved(orgId: string, assistantId: string): Promise<void> {
    await deleteMailboxCursor(this.deps.db, orgId, assistantId);
    await this.pollMailboxSoon(orgId, assistantId);
  }

  /** An admin lifts an assistant's sending pause (a bounce rate over the threshold). */
  async resumeSending(orgId: string, assistantId: string): Promise<void> {
    await setSendingPaused(this.deps.db, orgId, assistantId, null, this.deps.clock.now());
    this.runner.poke();
  }

  /** The connector was switched off: runs in progress end, saying why. */
  async connectorOff(orgId: string): Promise<void> {
    await abandonRuns(this.deps, orgId, 'the connector was switched off');
  }

  /** What a connector run would create, update, skip and reject, without writing to Zoho. */
  connectorDryRun(orgId: string): Promise<SyncResult> {
    return runSync(this.deps, orgId, { dryRun: true, trigger: 'dry run' });
  }

  async leadOfUnsubscribeLink(token: string): Promise<Lead | undefined> {
    return leadOfUnsubscribeToken(this.deps, token);
  }

  async unsubscribe(lead: Lead): Promise<void> {
    await unsubscribeLead(this.deps, lead);
    this.runner.poke();
  }
}
