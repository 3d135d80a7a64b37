import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FLUSH_DELAY_MS } from '../../server/src/engine/effects.js';
import { sweepOrg } from '../../server/src/engine/sweep.js';
import type { TestBackend } from '../helpers/backend-harness.js';
import type { ConnectedOrg } from '../helpers/connected-org.js';
import { type Scenario, startWithAssistant } from '../helpers/engine-scenario.js';
import { row, value } from '../helpers/store.js';

let backend: TestBackend;
let org: ConnectedOrg;
let scenario: Scenario;

beforeEach(async () => {
  ({ backend, org, scenario } = await startWithAssistant());
});

afterEach(async () => {
  await backend.stop();
});

async function runSequenceToEnd(recordId: string): Promise<void> {
  for (let guard = 0; guard < 40 && (await scenario.leadOf(recordId))!.status === 'active'; guard += 1) {
    if (!(await scenario.advanceToNextWork())) break;
  }
}

describe('intake decisions', () => {
  it('re-assignment guard: a record already worked is not enrolled again, and goes straight back', async () => {
    const recordId = await scenario.contact();
    await scenario.assign('Contacts', recordId, scenario.assistantUserId);
    await scenario.settle();
    await runSequenceToEnd(recordId);
    expect((await scenario.leadOf(recordId))!.status).toBe('handed_back');
    const sentBefore = backend.smtp.messages.length;

    await scenario.assign('Contacts', recordId, scenario.assistantUserId);
    await scenario.settle();
    expect(await value(backend.deps.db, 'SELECT COUNT(*) FROM leads WHERE zoho_record_id = ?', recordId)).toBe(1);
    expect((await scenario.record('Contacts', recordId)).Owner.id).toBe(org.repId);
    const notes = (await scenario.notes('Contacts', recordId)).map((note) => note.Note_Title);
    expect(notes[notes.length - 1]).toBe('Already worked by the assistant');
    await scenario.advanceToNextWork();
    expect(backend.smtp.messages.length).toBe(sentBefore);
  });

  it('human takeover: a person taking the record back stops the assistant, with a note', async () => {
    const recordId = await scenario.contact();
    await scenario.assign('Contacts', recordId, scenario.assistantUserId);
    await scenario.settle();
    await scenario.advanceToNextWork();
    expect(backend.smtp.messages).toHaveLength(1);

    await scenario.assign('Contacts', recordId, org.adminId);
    await scenario.settle();
    const lead = (await scenario.leadOf(recordId))!;
    expect(lead).toMatchObject({ status: 'stopped', close_reason: expect.stringContaining('Ann Admin took the record back') });
    expect((await scenario.notes('Contacts', recordId)).map((note) => note.Note_Title)).toContain('The assistant stopped');
    for (let day = 0; day < 20; day += 1) await scenario.advanceToNextWork();
    expect(backend.smtp.messages).toHaveLength(1);
    expect((await scenario.record('Contacts', recordId)).Owner.id).toBe(org.adminId);
  });

  it('polling fallback: with notifications switched off, the sweep still finds the assignment', async () => {
    await backend.sandbox.crm(scenario.zohoToken, 'DELETE', `/actions/watch?channel_ids=${(await value<string>(backend.deps.db, 'SELECT channel_id FROM notification_channels'))!}`);
    const recordId = await scenario.contact();
    await scenario.assign('Contacts', recordId, scenario.assistantUserId);
    await scenario.settle();
    expect(backend.sandbox.sandbox.deps.db.prepare('SELECT COUNT(*) FROM deliveries').pluck().get()).toBe(0);
    // The next sweep is due within ten minutes of the clock.
    backend.sandbox.clock.advance(10 * 60 * 1000);
    await backend.deps.engine.runUntilIdle();
    expect(await scenario.leadOf(recordId)).toMatchObject({ status: 'active', previous_owner_id: org.repId });
  });

  it("the sweep's window follows Zoho's clock, not a sped-up engine clock: an assignment made while notifications were lost is found", async () => {
    await backend.sandbox.crm(scenario.zohoToken, 'DELETE', `/actions/watch?channel_ids=${(await value<string>(backend.deps.db, 'SELECT channel_id FROM notification_channels'))!}`);
    const engineDeps = backend.deps.engine.deps;
    const zoho = backend.sandbox.clock;
    // The engine runs three days ahead of Zoho, as TIME_SCALE makes it do.
    engineDeps.zohoClock = zoho;
    engineDeps.clock = { now: () => zoho.now() + 3 * 24 * 60 * 60 * 1000 };
    const recordId = await scenario.contact();
    await scenario.assign('Contacts', recordId, scenario.assistantUserId);
    const orgId = (await value<string>(backend.deps.db, 'SELECT id FROM orgs'))!;
    expect(await sweepOrg(engineDeps, orgId)).toBe(1);
    zoho.advance(60_000);
    // The next sweep starts where this one ended, in Zoho's time: the same record is not queued twice.
    expect(await sweepOrg(engineDeps, orgId)).toBe(0);
  });

  it('the sweep pages through a bulk reassignment of more than one COQL page', async () => {
    await backend.sandbox.crm(scenario.zohoToken, 'DELETE', `/actions/watch?channel_ids=${(await value<string>(backend.deps.db, 'SELECT channel_id FROM notification_channels'))!}`);
    for (let batch = 0; batch < 3; batch += 1) {
      const data = Array.from({ length: batch < 2 ? 100 : 5 }, (_, index) => ({ Last_Name: `Bulk ${String(batch * 100 + index)}`, Email: `bulk${String(batch * 100 + index)}@prospect.test`, Owner: { id: scenario.assistantUserId } }));
      expect((await backend.sandbox.crm(scenario.zohoToken, 'POST', '/Contacts', { data }, org.zoho.api_domain)).status).toBe(201);
    }
    const orgId = (await value<string>(backend.deps.db, 'SELECT id FROM orgs'))!;
    expect(await sweepOrg(backend.deps.engine.deps, orgId)).toBe(205);
  });

  it('a record with no email address is handed straight back, saying why', async () => {
    const recordId = await scenario.contact({ Email: null });
    await scenario.assign('Contacts', recordId, scenario.assistantUserId);
    await scenario.settle();
    expect(await scenario.leadOf(recordId)).toMatchObject({ status: 'handed_back', close_reason: expect.stringContaining('no email address') });
    expect((await scenario.record('Contacts', recordId)).Owner.id).toBe(org.repId);
  });

  it('the "7Targets Sequence" and "7Targets Context" fields pick the sequence and the context', async () => {
    const short = await org.api('POST', '/sequences', { name: 'Recommended Short', steps: [{ after_days: 0, mode: 'custom', subject: 'About {{company}}', body: 'Hi {{first_name}}, {{context}}' }] });
    expect(short.status).toBe(201);
    const fields = (await backend.sandbox.crm(scenario.zohoToken, 'GET', '/settings/fields?module=Contacts')).body.fields as { field_label: string; api_name: string }[];
    const context = fields.find((field) => field.field_label === '7Targets Context')!.api_name;
    const sequence = fields.find((field) => field.field_label === '7Targets Sequence')!.api_name;
    // The picklist was created with the org's sequences at authorization; add the new one as an admin would.
    const recordId = await scenario.contact({ Company: undefined, [context]: 'Met at the Hannover fair; asked about retrofits.' });
    await backend.sandbox.sandbox.deps.db.prepare("UPDATE fields SET pick_list_values = json_insert(pick_list_values, '$[#]', 'Recommended Short') WHERE api_name = ? AND module = 'Contacts'").run(sequence);
    await backend.sandbox.crm(scenario.zohoToken, 'PUT', `/Contacts/${recordId}`, { data: [{ [sequence]: 'Recommended Short' }] });
    await scenario.assign('Contacts', recordId, scenario.assistantUserId);
    await scenario.settle();
    expect(await scenario.leadOf(recordId)).toMatchObject({ steps_total: 1, context: 'Met at the Hannover fair; asked about retrofits.' });
    await runSequenceToEnd(recordId);
    const mail = backend.smtp.messages.find((message) => message.body.includes('Hannover'));
    expect(mail?.body).toContain('Hi Jane, Met at the Hannover fair; asked about retrofits.');
  });
});

describe('faults', () => {
  it('Zoho 429, 5xx and timeouts on notes and owner changes: retried later, nothing lost or written twice', async () => {
    const recordId = await scenario.contact();
    await scenario.assign('Contacts', recordId, scenario.assistantUserId);
    await backend.sandbox.sandbox.deps.notifier.idle();
    await backend.sandbox.admin('POST', '/sandbox/faults', { method: 'POST', path: '/crm/v8/Notes', status: 429, count: 2 });
    await backend.sandbox.admin('POST', '/sandbox/faults', { method: 'POST', path: '/crm/v8/Notes', status: 503, count: 2 });
    await backend.deps.engine.runUntilIdle();
    // A timeout after Zoho wrote the notes: the outcome is unknown to us.
    await backend.sandbox.admin('POST', '/sandbox/faults', { method: 'PUT', path: '/crm/v8/Contacts', status: 500, count: 3 });
    for (let round = 0; round < 30 && (await scenario.leadOf(recordId))!.status === 'active'; round += 1) {
      if (!(await scenario.advanceToNextWork())) break;
    }
    await backend.sandbox.admin('DELETE', '/sandbox/faults');
    for (let round = 0; round < 10; round += 1) await scenario.advanceToNextWork();

    const notes = (await scenario.notes('Contacts', recordId)).map((note) => note.Note_Title);
    expect(notes).toEqual([
      'Nova is on it',
      expect.stringMatching(/^Email 1 of 4/),
      expect.stringMatching(/^Email 2 of 4/),
      expect.stringMatching(/^Email 3 of 4/),
      expect.stringMatching(/^Email 4 of 4/),
      'Nova handed this back',
    ]);
    expect(backend.smtp.messages).toHaveLength(4);
    expect((await scenario.record('Contacts', recordId)).Owner.id).toBe(org.repId);
    expect(await value(backend.deps.db, "SELECT COUNT(*) FROM outbox WHERE status != 'done'")).toBe(0);
  });

  it('a note write that timed out after Zoho saved it is found by its reference, not written again', async () => {
    await backend.stop();
    ({ backend, org, scenario } = await startWithAssistant({ env: { ZOHO_CALL_TIMEOUT_MS: '3000' } }));
    const recordId = await scenario.contact();
    await scenario.assign('Contacts', recordId, scenario.assistantUserId);
    await backend.sandbox.sandbox.deps.notifier.idle();
    // Zoho answers after our timeout: the note is written, but we never hear so.
    await backend.sandbox.admin('POST', '/sandbox/faults', { method: 'POST', path: '/crm/v8/Notes', delay_ms: 60_000, count: 1 });
    await backend.deps.engine.runUntilIdle();
    backend.sandbox.clock.advance(FLUSH_DELAY_MS);
    await backend.deps.engine.runUntilIdle();
    const note = await row<{ status: string }>(backend.deps.db, "SELECT status FROM outbox WHERE kind = 'note'");
    expect(note?.status).toBe('sending');
    // Release the held request: the sandbox now writes the note our call gave up on.
    await backend.sandbox.admin('DELETE', '/sandbox/faults');
    const zoho = backend.sandbox.sandbox.deps.db;
    while ((zoho.prepare('SELECT COUNT(*) FROM notes').pluck().get() as number) === 0) await new Promise((resolve) => setImmediate(resolve));
    for (let round = 0; round < 5; round += 1) await scenario.advanceToNextWork();
    const titles = (await scenario.notes('Contacts', recordId)).map((note) => note.Note_Title);
    expect(titles.filter((title) => title === 'Nova is on it')).toHaveLength(1);
    expect(await value(backend.deps.db, "SELECT status FROM outbox WHERE idempotency_key LIKE 'note:assigned:%'")).toBe('done');
  });
});
