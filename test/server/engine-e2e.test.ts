import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOrgFields } from '../../server/src/db/org-setup.js';
import { renewExpiringChannels } from '../../server/src/services/org-setup.js';
import type { TestBackend } from '../helpers/backend-harness.js';
import type { ConnectedOrg } from '../helpers/connected-org.js';
import { type Scenario, startWithAssistant } from '../helpers/engine-scenario.js';
import type { Json } from '../helpers/sandbox-client.js';
import { rows, value } from '../helpers/store.js';

let backend: TestBackend;
let org: ConnectedOrg;
let scenario: Scenario;

beforeAll(async () => {
  ({ backend, org, scenario } = await startWithAssistant());
});

afterAll(async () => {
  await backend.stop();
});

describe('the nurture loop, end to end over real HTTP and SMTP', () => {
  it('assignment → lead within 2 s with a confirmation note → one threaded email per step → handback to the previous owner', async () => {
    const recordId = await scenario.contact({ First_Name: 'Jane', Last_Name: 'Doe', Email: 'jane@prospect.test' });
    const orgId = (await value<string>(backend.deps.db, 'SELECT id FROM orgs WHERE zoho_org_id = ?', org.zoho.org_id))!;
    const statusField = (await listOrgFields(backend.deps.db, orgId)).find(
      (field) => field.module === 'Contacts' && field.role === 'status',
    )!.api_name;

    // The runner works on its own here, as in production: the notification alone must do it.
    backend.deps.engine.runner.start(25);
    const assignedAt = performance.now();
    await scenario.assign('Contacts', recordId, scenario.assistantUserId);
    while (!(await scenario.leadOf(recordId)) && performance.now() - assignedAt < 2_000) await new Promise((resolve) => setTimeout(resolve, 10));
    const latency = performance.now() - assignedAt;
    await backend.deps.engine.runner.stop();
    expect(await scenario.leadOf(recordId), `lead after ${Math.round(latency)} ms`).toBeDefined();
    expect(latency).toBeLessThan(2_000);
    await scenario.settle();

    const lead = (await scenario.leadOf(recordId))!;
    expect(lead).toMatchObject({ status: 'active', state: 'New', email: 'jane@prospect.test', previous_owner_id: org.repId, previous_owner_name: 'Sam Sales', steps_total: 4 });
    const confirmation = (await scenario.notes('Contacts', recordId)).map((note) => note.Note_Title);
    expect(confirmation).toEqual(['Nova is on it']);
    expect((await scenario.record('Contacts', recordId))[statusField]).toBe('New');

    // Drive the clock through the sequence.
    for (let guard = 0; guard < 40 && (await scenario.leadOf(recordId))!.status === 'active'; guard += 1) {
      if (!(await scenario.advanceToNextWork())) break;
    }
    const finished = (await scenario.leadOf(recordId))!;
    expect(finished).toMatchObject({ status: 'handed_back', state: 'Processed', next_step: 4 });

    const mails = backend.smtp.messages.filter((mail) => mail.to.includes('jane@prospect.test'));
    expect(mails).toHaveLength(4);
    const ids = mails.map((mail) => mail.headers['message-id']);
    expect(new Set(ids).size).toBe(4);
    expect(mails[0]!.headers['in-reply-to']).toBeUndefined();
    for (let index = 1; index < mails.length; index += 1) {
      expect(mails[index]!.headers['in-reply-to']).toBe(ids[index - 1]);
      expect(mails[index]!.headers.references).toContain(ids[0]!);
    }
    for (const mail of mails) {
      expect(mail.from).toBe(scenario.assistant.mailbox_email);
      expect(mail.headers['list-unsubscribe']).toMatch(/^<http:\/\/127\.0\.0\.1:\d+\/unsubscribe\/[\w.-]+>$/);
      expect(mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
      expect(mail.body).toContain('Acme Energy, 1 Main St, Springfield');
      expect(mail.body).toMatch(/^Hi \w+,/);
    }
    // The second email, value with one proof, carries the nurture table's first line and quotes the first below.
    expect(mails[1]!.body).toContain(scenario.assistant.nurture_lines[0]!);
    expect(mails[1]!.body).toContain(`${scenario.assistant.name} wrote:`);
    // Sent inside business hours (09:00-17:00 UTC), never on the weekend.
    for (const sent of await rows<{ at: number }>(backend.deps.db, "SELECT at FROM lead_events WHERE kind = 'email_sent' AND lead_id = ?", lead.id)) {
      const when = new Date(sent.at);
      expect(when.getUTCHours()).toBeGreaterThanOrEqual(9);
      expect(when.getUTCHours()).toBeLessThan(17);
      expect([0, 6]).not.toContain(when.getUTCDay());
    }

    const notes = await scenario.notes('Contacts', recordId);
    expect(notes.map((note) => note.Note_Title)).toEqual([
      'Nova is on it',
      expect.stringMatching(/^Email 1 of 4 sent: /),
      expect.stringMatching(/^Email 2 of 4 sent: /),
      expect.stringMatching(/^Email 3 of 4 sent: /),
      expect.stringMatching(/^Email 4 of 4 sent: /),
      'Nova handed this back',
    ]);
    const record = await scenario.record('Contacts', recordId);
    expect(record.Owner.id).toBe(org.repId);
    expect(record[statusField]).toBe('Processed');
    const history = (await backend.sandbox.crm(scenario.zohoToken, 'GET', `/Contacts/${recordId}/__timeline?sort_order=asc`)).body.__timeline as Json[];
    const states = history.flatMap((entry) => entry.field_history ?? []).filter((change: Json) => change.api_name === statusField).map((change: Json) => change._value.new);
    expect(states).toEqual(['New', 'Pending', 'Processed']);

    // Nothing left behind: every outbox row done, no failed job.
    expect(await value(backend.deps.db, "SELECT COUNT(*) FROM outbox WHERE status != 'done'")).toBe(0);
    expect(await value(backend.deps.db, "SELECT COUNT(*) FROM jobs WHERE status = 'failed'")).toBe(0);
  });

  it('the widget API shows the lead, its step and its timeline', async () => {
    // Days have passed since authorization: the hourly renewal keeps the channel alive.
    expect((await renewExpiringChannels(backend.deps)).failed).toBe(0);
    // A Saturday: the assistant's off day, so nothing goes out until a person says so.
    const now = new Date(backend.sandbox.clock.now());
    backend.sandbox.clock.set(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + ((6 - now.getUTCDay() + 7) % 7 || 7), 10));
    await backend.deps.engine.runUntilIdle();
    const recordId = await scenario.contact();
    await scenario.assign('Contacts', recordId, scenario.assistantUserId);
    await scenario.settle();
    const byRecord = await org.api('GET', `/leads/by-record/Contacts/${recordId}`, undefined, { session: null });
    expect(byRecord.status).toBe(200);
    expect(byRecord.body).toMatchObject({ status: 'active', state: 'New', step: { sent: 0, total: 4 }, assistant: { name: 'Nova' }, previousOwner: 'Sam Sales' });
    expect(Date.parse(byRecord.body.nextSendAt)).toBeGreaterThan(backend.sandbox.clock.now());
    const paused = await org.api('POST', `/leads/${byRecord.body.id}/pause`, undefined, { session: null });
    expect(paused.body.status).toBe('paused');
    await scenario.advanceToNextWork();
    expect(backend.smtp.messages.filter((mail) => mail.to.includes(byRecord.body.email))).toHaveLength(0);
    const resumed = await org.api('POST', `/leads/${byRecord.body.id}/resume`, undefined, { session: null });
    expect(resumed.body.status).toBe('active');
    await org.api('POST', `/leads/${byRecord.body.id}/send-now`, undefined, { session: null });
    await backend.deps.engine.runUntilIdle();
    expect(backend.smtp.messages.filter((mail) => mail.to.includes(byRecord.body.email))).toHaveLength(1);
    const timeline = await org.api('GET', `/leads/${byRecord.body.id}/timeline`, undefined, { session: null });
    expect(timeline.body.events.map((event: Json) => event.kind)).toEqual(['assigned', 'paused', 'resumed', 'email_sent']);
    expect(timeline.body.emails).toEqual([expect.objectContaining({ step: 1, delivery: 'done' })]);
    const handed = await org.api('POST', `/leads/${byRecord.body.id}/hand-back`, undefined, { session: null });
    expect(handed.status).toBe(200);
    await backend.deps.engine.runUntilIdle();
    await scenario.drain();
    expect((await scenario.leadOf(recordId))!.status).toBe('handed_back');
    expect((await scenario.record('Contacts', recordId)).Owner.id).toBe(org.repId);
  });
});
