import { afterEach, describe, expect, it } from 'vitest';
import { type TestBackend, signInAsAdmin } from '../helpers/backend-harness.js';
import type { ConnectedOrg } from '../helpers/connected-org.js';
import { type Scenario, startWithAssistant } from '../helpers/engine-scenario.js';
import { rows, value } from '../helpers/store.js';

let backend: TestBackend;
let org: ConnectedOrg;
let scenario: Scenario;

async function start(overrides: Record<string, unknown> = {}): Promise<void> {
  ({ backend, org, scenario } = await startWithAssistant({ assistant: overrides }));
}

afterEach(async () => {
  await backend.stop();
});

const emailRows = async (leadId: string) =>
  (await rows<{ status: string }>(backend.deps.db, "SELECT status FROM outbox WHERE kind = 'email' AND lead_id = ? ORDER BY id", leadId)).map((row) => row.status);

/** Moves the clock to the first due step and runs jobs one at a time until its email is queued, not sent. */
async function queueFirstEmailWithoutSending(leadId: string): Promise<void> {
  const at = (await value<number>(backend.deps.db, "SELECT run_at FROM jobs WHERE kind = 'step' AND status = 'queued'"))!;
  backend.sandbox.clock.set(at);
  for (let guard = 0; guard < 20 && (await emailRows(leadId)).length === 0; guard += 1) await backend.deps.engine.runner.runOnce();
  expect(await emailRows(leadId)).toEqual(['pending']);
}

/** A Contact assigned to the assistant, its first email written but not sent, and the lead paused. */
async function pausedWithEmailWritten() {
  const recordId = await scenario.contact();
  await scenario.assign('Contacts', recordId, scenario.assistantUserId);
  await scenario.settle();
  const lead = (await scenario.leadOf(recordId))!;
  await queueFirstEmailWithoutSending(lead.id);
  expect((await org.api('POST', `/leads/${lead.id}/pause`)).status).toBe(200);
  return { recordId, lead };
}

describe('pausing, unsubscribing and stopping at the edges', () => {
  it('paused between writing an email and sending it: nothing goes out until resumed, then exactly once', async () => {
    await start();
    const { recordId, lead } = await pausedWithEmailWritten();
    await backend.deps.engine.runUntilIdle();
    for (let round = 0; round < 5; round += 1) await scenario.advanceToNextWork();
    expect(backend.smtp.messages).toHaveLength(0);
    expect(await emailRows(lead.id)).toEqual(['pending']);

    const resumed = await org.api('POST', `/leads/${lead.id}/resume`);
    expect(resumed.status).toBe(200);
    await scenario.settle();
    expect(backend.smtp.messages).toHaveLength(1);
    expect(await emailRows(lead.id)).toEqual(['done']);
    // The rest of the sequence follows; the first email is never sent a second time.
    for (let round = 0; round < 40 && (await scenario.leadOf(recordId))!.status === 'active'; round += 1) await scenario.advanceToNextWork();
    const subjects = backend.smtp.messages.map((mail) => mail.headers['message-id']);
    expect(new Set(subjects).size).toBe(subjects.length);
  });

  it('sending hours hold at send time: an email written by day and resumed at night waits for the morning', async () => {
    await start(); // UTC, 09:00–17:00, weekends off
    const { lead } = await pausedWithEmailWritten();
    // 23:00 UTC the same day: outside the assistant's hours.
    const night = new Date(backend.sandbox.clock.now());
    night.setUTCHours(23, 0, 0, 0);
    backend.sandbox.clock.set(night.getTime());
    const { token } = await signInAsAdmin(backend, org.zoho.admin.email);
    expect((await org.api('POST', `/leads/${lead.id}/resume`, undefined, { session: token })).status).toBe(200);
    await backend.deps.engine.runUntilIdle();
    expect(backend.smtp.messages).toHaveLength(0);
    expect(await emailRows(lead.id)).toEqual(['pending']);
    await scenario.advanceToNextWork();
    expect(backend.smtp.messages).toHaveLength(1);
    const sentAt = new Date((await value<number>(backend.deps.db, "SELECT done_at FROM outbox WHERE kind = 'email' AND lead_id = ?", lead.id))!);
    expect(sentAt.getUTCHours()).toBeGreaterThanOrEqual(9);
    expect(sentAt.getUTCHours()).toBeLessThan(17);
    expect(sentAt.getTime()).toBeGreaterThan(night.getTime());
  });

  it('unsubscribing after the last email hands the record back at once, as Unsubscribed', async () => {
    await start();
    const recordId = await scenario.contact();
    await scenario.assign('Contacts', recordId, scenario.assistantUserId);
    await scenario.settle();
    const lead = (await scenario.leadOf(recordId))!;
    for (let round = 0; round < 40 && backend.smtp.messages.length < lead.steps_total; round += 1) await scenario.advanceToNextWork();
    expect(backend.smtp.messages).toHaveLength(lead.steps_total);
    expect((await scenario.leadOf(recordId))!.status).toBe('active');

    const link = /^<(.+)>$/.exec(backend.smtp.messages.at(-1)!.headers['list-unsubscribe']!)![1]!;
    const response = await fetch(link, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(response.status).toBe(200);
    await scenario.settle();
    expect(await scenario.leadOf(recordId)).toMatchObject({ status: 'handed_back', state: 'Unsubscribed', close_reason: 'The lead unsubscribed.' });
    const record = await scenario.record('Contacts', recordId);
    expect(record.Owner.id).toBe(org.repId);
    expect(Object.values(record)).toContain('Unsubscribed');
  });

  it('the daily cap holds when many steps fall due together', async () => {
    await start({ daily_cap: 2 });
    const records: string[] = [];
    for (let index = 0; index < 5; index += 1) records.push(await scenario.contact());
    for (const recordId of records) await scenario.assign('Contacts', recordId, scenario.assistantUserId);
    await scenario.settle();
    const leads = async () => Promise.all(records.map(async (id) => (await scenario.leadOf(id))!));
    expect((await leads()).map((lead) => lead.status)).toEqual(Array(5).fill('active'));

    await scenario.advanceToNextWork();
    await backend.deps.engine.runUntilIdle();
    expect(backend.smtp.messages).toHaveLength(2);
    const waiting = [];
    for (const lead of await leads()) if ((await value(backend.deps.db, "SELECT COUNT(*) FROM outbox WHERE kind = 'email' AND lead_id = ?", lead.id)) === 0) waiting.push(lead);
    expect(waiting).toHaveLength(3);
    const firstDay = new Date(backend.sandbox.clock.now()).toISOString().slice(0, 10);
    for (const lead of waiting) expect(new Date(lead.next_send_at!).toISOString().slice(0, 10) > firstDay).toBe(true);
  });

  it('a record deleted in Zoho stops its lead; nothing more is sent', async () => {
    await start();
    const recordId = await scenario.contact();
    await scenario.assign('Contacts', recordId, scenario.assistantUserId);
    await scenario.settle();
    await scenario.advanceToNextWork();
    expect(backend.smtp.messages).toHaveLength(1);

    const token = (await backend.sandbox.token(org.zoho)).access_token;
    const deleted = await backend.sandbox.crm(token, 'DELETE', `/Contacts/${recordId}`, undefined, org.zoho.api_domain);
    expect(deleted.status).toBe(200);
    await scenario.settle();
    // Zoho told us through the notification channel (no sweep has run: the clock did not move).
    expect(await value(backend.deps.db, "SELECT COUNT(*) FROM inbox WHERE body LIKE '%\"operation\":\"delete\"%'")).toBe(1);
    expect(await scenario.leadOf(recordId)).toMatchObject({ status: 'stopped', close_reason: expect.stringContaining('deleted') });
    for (let round = 0; round < 20; round += 1) await scenario.advanceToNextWork();
    expect(backend.smtp.messages).toHaveLength(1);
  });

  it('a mail server refusing the address (550) hands the record back with the reason, and sends nothing more', async () => {
    await start();
    const recordId = await scenario.contact();
    await scenario.assign('Contacts', recordId, scenario.assistantUserId);
    await scenario.settle();
    backend.smtp.refuse({ code: 550, message: 'No such user here' });
    await scenario.advanceToNextWork();
    await scenario.settle();

    const lead = (await scenario.leadOf(recordId))!;
    expect(lead).toMatchObject({ status: 'handed_back', close_reason: expect.stringContaining('No such user here') });
    expect(await emailRows(lead.id)).toEqual(['failed']);
    expect((await scenario.record('Contacts', recordId)).Owner.id).toBe(org.repId);
    backend.smtp.refuse(null);
    for (let round = 0; round < 20; round += 1) await scenario.advanceToNextWork();
    expect(backend.smtp.messages).toHaveLength(0);
  });
});
