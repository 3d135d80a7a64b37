import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestBackend } from '../helpers/backend-harness.js';
import { type Scenario, startWithAssistant } from '../helpers/engine-scenario.js';
import type { ConnectedOrg } from '../helpers/connected-org.js';
import { rows, value } from '../helpers/store.js';
import { crashAt } from '../helpers/crash-at.js';

let backend: TestBackend;
let scenario: Scenario;
let org: ConnectedOrg;

beforeEach(async () => {
  ({ backend, scenario, org } = await startWithAssistant());
});

afterEach(async () => {
  await backend.stop();
});


async function assignedLeadWithFirstEmailDue(): Promise<string> {
  const recordId = await scenario.contact();
  await scenario.assign('Contacts', recordId, scenario.assistantUserId);
  await backend.sandbox.sandbox.deps.notifier.idle();
  // Intake and the confirmation note, but not the first email: it waits for Monday's business hours.
  const now = new Date(backend.sandbox.clock.now());
  backend.sandbox.clock.set(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + ((6 - now.getUTCDay() + 7) % 7 || 7), 10));
  await scenario.settle();
  const lead = (await scenario.leadOf(recordId))!;
  expect(lead.next_send_at).toBeGreaterThan(backend.sandbox.clock.now());
  backend.sandbox.clock.set(lead.next_send_at!);
  return recordId;
}

describe('crash safety', () => {
  it('killed after the SMTP server accepted an email, before the outbox said so: not sent again', async () => {
    const recordId = await assignedLeadWithFirstEmailDue();
    const crash = await crashAt(backend, 'after-accept');
    expect(crash.signal, crash.output).toBe('SIGKILL');
    expect(backend.smtp.messages).toHaveLength(1);
    expect(await value(backend.deps.db, "SELECT status FROM outbox WHERE kind = 'email'")).toBe('sending');

    // The dead process's lease on the send job lapses, then the restart takes it over.
    backend.sandbox.clock.advance(6 * 60 * 1000);
    await backend.deps.engine.runUntilIdle();
    await scenario.drain();
    expect(backend.smtp.messages).toHaveLength(1);
    expect(await value(backend.deps.db, "SELECT status FROM outbox WHERE kind = 'email'")).toBe('unconfirmed');
    expect(await scenario.leadOf(recordId)).toMatchObject({ next_step: 1, state: 'Pending' });
    const titles = (await scenario.notes('Contacts', recordId)).map((note) => note.Note_Title);
    expect(titles.filter((title) => title.startsWith('Email 1 of 4 sent'))).toHaveLength(1);
    // A person learns of it: a note on the record, the lead's timeline and CRM Details in the settings tab.
    expect(titles).toContain('Email 1 of 4 may not have been sent');
    const lead = (await scenario.leadOf(recordId))!;
    const timeline = await org.api('GET', `/leads/${lead.id}/timeline`);
    expect((timeline.body as { events: { kind: string }[] }).events.map((event) => event.kind)).toContain('delivery_unconfirmed');
    const details = await org.api('GET', '/crm-details');
    expect((details.body as { org: { unconfirmedEmails: { leadId: string; subject: string }[] } }).org.unconfirmedEmails).toEqual([expect.objectContaining({ leadId: lead.id, subject: expect.any(String) })]);
  });

  it('killed while writing the email: the restart writes and sends it exactly once', async () => {
    const recordId = await assignedLeadWithFirstEmailDue();
    const crash = await crashAt(backend, 'compose');
    expect(crash.signal, crash.output).toBe('SIGKILL');
    expect(backend.smtp.messages).toHaveLength(0);
    // The claimed job's lease must lapse before another runner takes it over.
    backend.sandbox.clock.advance(6 * 60 * 1000);
    await backend.deps.engine.runUntilIdle();
    expect(backend.smtp.messages).toHaveLength(1);
    expect((await scenario.leadOf(recordId))!.next_step).toBe(1);
    await backend.deps.engine.runUntilIdle();
    expect(backend.smtp.messages).toHaveLength(1);
  });

  it('killed after Zoho saved the notes, before we recorded it: the restart finds them, writes none twice', async () => {
    const recordId = await assignedLeadWithFirstEmailDue();
    const crash = await crashAt(backend, 'after-notes');
    expect(crash.signal, crash.output).toBe('SIGKILL');
    expect(backend.smtp.messages).toHaveLength(1);
    backend.sandbox.clock.advance(6 * 60 * 1000);
    await backend.deps.engine.runUntilIdle();
    await scenario.drain();
    const titles = (await scenario.notes('Contacts', recordId)).map((note) => note.Note_Title);
    expect(titles).toEqual(['Nova is on it', expect.stringMatching(/^Email 1 of 4/)]);
    expect(await rows(backend.deps.db, "SELECT idempotency_key, status FROM outbox WHERE kind = 'note' AND status != 'done'")).toEqual([]);
    expect(backend.smtp.messages).toHaveLength(1);
  });
});
