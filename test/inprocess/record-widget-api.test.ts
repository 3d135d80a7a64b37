import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AddedAssistant, ADMIN_TOKEN, type InProcess, type SeededOrg, startWithAssistant } from '../helpers/in-process.js';
import type { Json } from '../helpers/sandbox-client.js';
import { rows, value } from '../helpers/store.js';

/** The record widget's API in process: what it shows for a record, and pause / resume / send now / hand back now. */

let world: InProcess, org: SeededOrg, nova: AddedAssistant;
beforeEach(async () => ({ world, org, nova } = await startWithAssistant()));
afterEach(() => world.close());

const widget = (path: string) => org.api('GET', path, undefined, { session: null });
const ownerOf = (recordId: string) => (org.record(recordId).Owner as { id: string }).id;

/** A contact assigned to Nova and taken in (its lead active, the first email waiting for Monday). */
async function assignedContact(): Promise<{ recordId: string; leadId: string }> {
  const recordId = org.contact({ First_Name: 'Jane', Last_Name: 'Doe', Email: 'jane.doe@prospect.test' });
  await org.assign(recordId, nova.user.id);
  await world.settle();
  return { recordId, leadId: (await org.leadOf(recordId))!.id };
}

describe('GET /api/record-widget/:module/:recordId', () => {
  it("shows the record's fields, the assistants, the sequences, and the lead once the assistant works it; another org sees none of it", async () => {
    const recordId = org.contact();
    const fields = org.zoho.fieldsOf('Contacts');
    const before = await widget(`/record-widget/Contacts/${recordId}`);
    expect(before.status).toBe(200);
    expect(before.body).toEqual({
      fields: { context: fields.find((field) => field.label === '7Targets Context')!.apiName, sequence: fields.find((field) => field.label === '7Targets Sequence')!.apiName },
      assistants: [{ id: nova.assistant.id, name: 'Nova', mailboxEmail: nova.assistant.mailbox_email, zohoUserId: null, defaultSequenceId: null }],
      sequences: [{ id: expect.any(String), name: 'Recommended', steps: 4 }],
      lead: null,
      draft: null,
      events: [],
    });

    await org.assign(recordId, nova.user.id);
    await world.settle();
    const after = await widget(`/record-widget/Contacts/${recordId}`);
    expect(after.status).toBe(200);
    expect(after.body.lead).toMatchObject({
      zohoModule: 'Contacts',
      zohoRecordId: recordId,
      assistant: { id: nova.assistant.id, name: 'Nova' },
      sequence: { name: 'Recommended' },
      status: 'active',
      state: 'New',
      step: { sent: 0, total: 4 },
      name: 'Jane Doe',
      previousOwner: 'Sam Sales',
      nextSendAt: '2026-11-23T09:00:00.000Z',
      lastSentAt: null,
      closeReason: null,
    });
    expect(after.body.events).toEqual([{ at: '2026-11-21T09:00:00.000Z', kind: 'assigned' }]);
    // Intake matched the assistant to its Zoho user.
    expect(after.body.assistants[0].zohoUserId).toBe(nova.user.id);

    const other = await world.authorizedOrg();
    const foreign = await other.api('GET', `/record-widget/Contacts/${recordId}`, undefined, { session: null });
    expect(foreign.status).toBe(200);
    expect(foreign.body).toMatchObject({ lead: null, assistants: [], events: [] });
  });

  it('the timeline lists the events and the emails with their delivery', async () => {
    const { leadId } = await assignedContact();
    await world.advanceToNextWork();
    const timeline = await widget(`/leads/${leadId}/timeline`);
    expect(timeline.status).toBe(200);
    expect(timeline.body.events.map((event: { kind: string }) => event.kind)).toEqual(['assigned', 'email_sent']);
    expect(timeline.body.emails).toEqual([{ step: 1, subject: 'A quick question for you', to: 'jane.doe@prospect.test', delivery: 'done', at: '2026-11-23T09:00:00.000Z' }]);
    expect(timeline.body.nextSendAt).toBe('2026-11-26T09:00:00.000Z');
    expect(timeline.body.lead).toMatchObject({ id: leadId, step: { sent: 1, total: 4 }, state: 'Pending', lastSentAt: '2026-11-23T09:00:00.000Z' });
  });
});

describe('lead commands', () => {
  it('pause holds every email and says so in Zoho; resume plans the next one again; each refuses the wrong state with 409', async () => {
    const { recordId, leadId } = await assignedContact();
    const paused = await org.api('POST', `/leads/${leadId}/pause`, undefined, { session: null });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ id: leadId, status: 'paused', nextSendAt: null });
    await world.settle();
    expect(org.noteTitles(recordId).at(-1)).toBe('The assistant paused');

    const again = await org.api('POST', `/leads/${leadId}/pause`, undefined, { session: null });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'CONFLICT', message: 'The lead is paused, not active.' });

    // Monday comes and goes: nothing is sent while paused.
    for (let round = 0; round < 5; round += 1) await world.advanceToNextWork();
    world.clock.set('2026-11-24T12:00:00Z');
    await world.settle();
    expect(world.mailer.sent).toHaveLength(0);

    const resumed = await org.api('POST', `/leads/${leadId}/resume`, undefined, { session: null });
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ status: 'active', step: { sent: 0 } });
    expect(resumed.body.nextSendAt).not.toBeNull();
    expect((await org.api('POST', `/leads/${leadId}/resume`, undefined, { session: null })).body.error).toMatchObject({ code: 'CONFLICT', message: 'The lead is active, not paused.' });
    await world.advanceToNextWork();
    expect(world.mailer.sent.map((email) => email.subject)).toEqual(['A quick question for you']);
    expect(world.mailer.sent[0]!.at).toBeGreaterThanOrEqual(Date.parse('2026-11-24T12:00:00Z'));
  });

  it('send now sends the waiting email at once, outside business hours', async () => {
    const { leadId } = await assignedContact();
    const sent = await org.api('POST', `/leads/${leadId}/send-now`, undefined, { session: null });
    expect(sent.status).toBe(200);
    await world.settle();
    expect(world.mailer.sent).toHaveLength(1);
    // Still Saturday morning (the flush moved the clock by seconds at most).
    expect(world.mailer.sent[0]!.at - Date.parse('2026-11-21T09:00:00Z')).toBeLessThan(2 * 60 * 1000);
    // The next email follows the one sent now: three days on, a Tuesday inside business hours.
    expect(await world.engine.lead(org.row.id, leadId)).toMatchObject({ status: 'active', next_step: 1, next_send_at: world.mailer.sent[0]!.at + 3 * 24 * 60 * 60 * 1000 });
    expect(new Date(world.mailer.sent[0]!.at + 3 * 24 * 60 * 60 * 1000).getUTCDay()).toBe(2);
  });

  it('hand back now returns the record to its owner with a note; a closed lead refuses every command', async () => {
    const { recordId, leadId } = await assignedContact();
    const handed = await org.api('POST', `/leads/${leadId}/hand-back`, undefined, { session: null });
    expect(handed.status).toBe(200);
    // Until the handback job has run, the widget says it is under way (not "Working").
    expect(handed.body).toMatchObject({ status: 'active', handingBack: true });
    await world.settle();
    expect((await widget(`/record-widget/Contacts/${recordId}`)).body.lead).toMatchObject({ status: 'handed_back', handingBack: false });
    expect(await org.leadOf(recordId)).toMatchObject({ status: 'handed_back', state: 'New', close_reason: 'Handed back from the record widget.' });
    expect(ownerOf(recordId)).toBe(org.rep.id);
    expect(org.noteTitles(recordId)).toEqual(['Nova is on it', 'Nova handed this back']);
    expect(org.notes(recordId)[1]!.content).toContain('Why: Handed back from the record widget.\nSent: 0 of 4 emails.');

    for (const [command, message] of [
      ['hand-back', 'The lead is already closed.'],
      ['pause', 'The lead is handed back, not active.'],
      ['resume', 'The lead is handed back, not paused.'],
      ['send-now', 'The lead has no email waiting.'],
    ] as const) {
      const refused = await org.api('POST', `/leads/${leadId}/${command}`, undefined, { session: null });
      expect([command, refused.status, refused.body.error.code, refused.body.error.message]).toEqual([command, 409, 'CONFLICT', message]);
    }
    for (let round = 0; round < 5; round += 1) await world.advanceToNextWork();
    expect(world.mailer.sent).toHaveLength(0);
  });
});

describe('bad input and bad callers', () => {
  it('answer 4xx with a code and change nothing', async () => {
    const { recordId, leadId } = await assignedContact();
    const snapshot = async () => ({
      lead: await world.engine.lead(org.row.id, leadId),
      jobs: await rows(world.db, 'SELECT kind, status, run_at FROM jobs ORDER BY id'),
      assistants: await value(world.db, 'SELECT COUNT(*) FROM assistants'),
      sequences: await value(world.db, 'SELECT COUNT(*) FROM sequences'),
      outbox: await value(world.db, 'SELECT COUNT(*) FROM outbox'),
      zohoCalls: world.zoho.calls.length,
      notes: org.notes(recordId).length,
    });
    const before = await snapshot();

    const cases: [string, Promise<{ status: number; body: Json }>, number, string][] = [
      ['a module we do not work', widget('/record-widget/Accounts/123'), 400, 'VALIDATION_FAILED'],
      ['a malformed record id', widget('/record-widget/Contacts/12ab'), 400, 'VALIDATION_FAILED'],
      ['an unknown lead status', widget('/leads?status=bogus'), 400, 'VALIDATION_FAILED'],
      ['an assistant that is not JSON', org.api('POST', '/assistants', '{"name": '), 400, 'VALIDATION_FAILED'],
      ['an assistant with bad fields', org.api('POST', '/assistants', { name: '', mailbox_email: 'not-an-email', default_context: 'x', daily_cap: 0, colour: 'blue' }), 400, 'VALIDATION_FAILED'],
      ['a sequence without steps', org.api('POST', '/sequences', { name: 'Empty', steps: [] }), 400, 'VALIDATION_FAILED'],
      ['an assistant naming a foreign sequence', org.api('POST', '/assistants', { name: 'Vera', mailbox_email: 'vera@org.test', default_context: 'x', default_sequence_id: randomUUID() }), 400, 'VALIDATION_FAILED'],
      ['a lead that does not exist', widget(`/leads/${randomUUID()}`), 404, 'NOT_FOUND'],
      ['a command on a lead that does not exist', org.api('POST', `/leads/${randomUUID()}/pause`, undefined, { session: null }), 404, 'NOT_FOUND'],
      ['an admin write without an admin session', org.api('POST', '/assistants', { name: 'Vera', mailbox_email: 'vera@org.test', default_context: 'x' }, { session: null }), 403, 'FORBIDDEN'],
      ['no key', org.api('GET', `/record-widget/Contacts/${recordId}`, undefined, { key: null, session: null }), 401, 'UNAUTHORIZED'],
      ['a wrong key', org.api('POST', `/leads/${leadId}/pause`, undefined, { key: 'x'.repeat(43), session: null }), 401, 'UNAUTHORIZED'],
      ['an operator without X-Zoho-Org-Id', org.api('GET', '/assistants', undefined, { key: ADMIN_TOKEN, session: null }), 400, 'VALIDATION_FAILED'],
    ];
    for (const [what, pending, status, code] of cases) {
      const response = await pending;
      expect([what, response.status, response.body?.error?.code, typeof response.body?.error?.requestId]).toEqual([what, status, code, 'string']);
    }
    const bad = await org.api('POST', '/assistants', { name: '', mailbox_email: 'not-an-email', default_context: 'x', daily_cap: 0, colour: 'blue' });
    expect(bad.body.error.details.map((detail: { path: string }) => detail.path).sort()).toEqual(['', 'daily_cap', 'mailbox_email', 'name']);

    await world.settle();
    expect(await snapshot()).toEqual(before);
    expect((await org.leadOf(recordId))!.status).toBe('active');
  });
});

describe('POST /api/record-widget/:module/:recordId/sequence', () => {
  it('any sequence of the org chosen in the widget is the one the assignment runs, whatever the picklist lists; the choice is used once', async () => {
    const quick = await org.api('POST', '/sequences', { name: 'Quick', steps: [{ after_days: 0 }, { after_days: 2 }] });
    expect(quick.status).toBe(201);
    const recordId = org.contact({ First_Name: 'Jane', Last_Name: 'Doe', Email: 'jane.doe@prospect.test' });
    const chosen = await org.api('POST', `/record-widget/Contacts/${recordId}/sequence`, { sequenceId: quick.body.id }, { session: null });
    expect(chosen).toMatchObject({ status: 200, body: { sequenceId: quick.body.id } });
    await org.assign(recordId, nova.user.id);
    await world.settle();
    const lead = (await widget(`/record-widget/Contacts/${recordId}`)).body.lead;
    expect(lead).toMatchObject({ sequence: { id: quick.body.id, name: 'Quick' }, step: { sent: 0, total: 2 }, status: 'active' });
    expect(await value(world.store.db, 'SELECT COUNT(*) AS n FROM sequence_requests')).toBe(0);
  });

  it('refuses a missing, foreign or unknown sequence and a bad record, changing nothing', async () => {
    const recordId = org.contact();
    const other = await world.authorizedOrg();
    const foreign = (await other.api('GET', '/sequences')).body.sequences[0].id as string;
    const cases: [unknown, string, number, string][] = [
      [{}, `/record-widget/Contacts/${recordId}/sequence`, 400, 'VALIDATION_FAILED'],
      [{ sequenceId: foreign }, `/record-widget/Contacts/${recordId}/sequence`, 404, 'NOT_FOUND'],
      [{ sequenceId: randomUUID() }, `/record-widget/Contacts/${recordId}/sequence`, 404, 'NOT_FOUND'],
      [{ sequenceId: foreign }, '/record-widget/Accounts/1/sequence', 400, 'VALIDATION_FAILED'],
      [{ sequenceId: foreign }, '/record-widget/Contacts/abc/sequence', 400, 'VALIDATION_FAILED'],
    ];
    for (const [body, path, status, code] of cases) {
      const answer = await org.api('POST', path, body, { session: null });
      expect([answer.status, answer.body.error?.code], path).toEqual([status, code]);
    }
    expect(await value(world.store.db, 'SELECT COUNT(*) AS n FROM sequence_requests')).toBe(0);
  });
});

describe('sequence validation in plain words', () => {
  it("refuses a sequence whose emails would all go out at once, and days out of range, naming the field; nothing is made", async () => {
    const before = (await org.api('GET', '/sequences')).body.sequences.length as number;
    const allAtOnce = await org.api('POST', '/sequences', { name: 'Burst', steps: [{ after_days: 0 }, { after_days: 0 }, { after_days: 0 }] });
    expect(allAtOnce.status).toBe(400);
    expect(allAtOnce.body.error.details).toEqual([{ path: 'steps.1.after_days', message: 'Every email is 0 days after the one before, so all of them would go out at once: give at least one follow-up a wait of 1 day or more.' }]);
    const tooLate = await org.api('POST', '/sequences', { name: 'Slow', steps: [{ after_days: 0 }, { after_days: 400 }] });
    expect(tooLate.body.error.details).toEqual([{ path: 'steps.1.after_days', message: 'Days between emails must be 0–365.' }]);
    const fraction = await org.api('POST', '/sequences', { name: 'Odd', steps: [{ after_days: 0 }, { after_days: 1.5 }] });
    expect(fraction.body.error.details).toEqual([{ path: 'steps.1.after_days', message: 'Days between emails must be a whole number, 0–365.' }]);
    expect((await org.api('GET', '/sequences')).body.sequences).toHaveLength(before);
    // One email at 0 days, or a burst with one wait, is fine.
    expect((await org.api('POST', '/sequences', { name: 'Single', steps: [{ after_days: 0 }] })).status).toBe(201);
    expect((await org.api('POST', '/sequences', { name: 'Quick pair', steps: [{ after_days: 0 }, { after_days: 0 }, { after_days: 2 }] })).status).toBe(201);
  });
});

describe('CRM Details counts from our own leads', () => {
  it('records worked now and in total follow assignments and handbacks without a Refresh; the org says replies can arrive by webhook', async () => {
    const records = async () => (await org.api('GET', '/crm-details', undefined, { session: null })).body.assistants[0].records;
    expect(await records()).toEqual({ working: 0, total: 0 });
    const { leadId } = await assignedContact();
    await assignedContact();
    expect(await records()).toEqual({ working: 2, total: 2 });
    await org.api('POST', `/leads/${leadId}/hand-back`, undefined, { session: null });
    await world.settle();
    expect(await records()).toEqual({ working: 1, total: 2 });
    expect((await org.api('GET', '/crm-details', undefined, { session: null })).body.org.inboundWebhook).toBe(true);
  });
});
