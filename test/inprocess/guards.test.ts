import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ZohoRateLimitedError, ZohoUnavailableError } from '../../server/src/zoho/errors.js';
import { type AddedAssistant, type InProcess, runSequenceToEnd, type SeededOrg, startWithAssistant } from '../helpers/in-process.js';
import { row, rows, run, value } from '../helpers/store.js';

/** What must not happen, in process: working a record twice, emailing someone who opted out, doing anything twice. */

let world: InProcess, org: SeededOrg, nova: AddedAssistant;
beforeEach(async () => ({ world, org, nova } = await startWithAssistant()));
afterEach(() => world.close());

const DAY = 24 * 60 * 60 * 1000;
const ownerOf = (recordId: string) => (org.record(recordId).Owner as { id: string }).id;
const statusOf = (recordId: string) => org.record(recordId)[org.zoho.fieldsOf('Contacts').find((field) => field.label === '7Targets Lead Connection Status')!.apiName];
const count = async (sql: string, ...params: unknown[]) => Number(await value(world.db, sql, ...params));

/** Assigns a new Contact to Nova and runs until its first email is out. */
async function firstEmail(): Promise<{ recordId: string; leadId: string }> {
  const recordId = org.contact({ First_Name: 'Jane', Last_Name: 'Doe', Email: 'jane.doe@prospect.test' });
  await org.assign(recordId, nova.user.id);
  await world.settle();
  await world.advanceToNextWork();
  expect(world.mailer.sent).toHaveLength(1);
  return { recordId, leadId: (await org.leadOf(recordId))!.id };
}

describe('the re-assignment guard', () => {
  it('a record the assistant already worked, assigned again, is not enrolled again and goes straight back with a note', async () => {
    const recordId = org.contact();
    await org.assign(recordId, nova.user.id);
    await world.settle();
    await runSequenceToEnd(world, org, recordId);
    const worked = (await org.leadOf(recordId))!;
    expect(worked).toMatchObject({ status: 'handed_back', state: 'Processed' });
    expect(world.mailer.sent).toHaveLength(4);

    const deliveries = await org.assign(recordId, nova.user.id, org.rep);
    expect(deliveries.map((delivery) => delivery.body)).toEqual([{ received: true, queued: 1 }]);
    await world.settle();
    expect(await count('SELECT COUNT(*) FROM leads WHERE zoho_record_id = ?', recordId)).toBe(1);
    expect(await org.leadOf(recordId)).toMatchObject({ id: worked.id, status: 'handed_back', closed_at: worked.closed_at });
    expect(ownerOf(recordId)).toBe(org.rep.id);
    expect(org.noteTitles(recordId).at(-1)).toBe('Already worked by the assistant');
    expect(org.notes(recordId).at(-1)!.content).toContain('The assistant already worked this record (The "Recommended" sequence ended with no reply.), so it will not start again. It has been assigned back to Sam Sales.');
    expect((await rows<{ kind: string }>(world.db, 'SELECT kind FROM lead_events WHERE lead_id = ? ORDER BY id', worked.id)).map((event) => event.kind).at(-1)).toBe('reassignment_refused');
    for (let round = 0; round < 5; round += 1) await world.advanceToNextWork();
    expect(world.mailer.sent).toHaveLength(4);
  });
});

describe('opting out stops the sequence', () => {
  it('a "remove me" reply: the address is suppressed, the record opted out in Zoho and handed back, nothing more is sent', async () => {
    const { recordId, leadId } = await firstEmail();
    const stored = await org.reply(world.mailer.sent[0]!, 'Please remove me from your mailing list.');
    expect(stored).toMatchObject({ status: 202, body: { duplicate: false, matchedOrg: true } });
    expect(await row(world.db, 'SELECT status, intent, lead_id, matched_by FROM inbound_messages WHERE id = ?', stored.body.id)).toEqual({ status: 'processed', intent: 'Unsubscribed', lead_id: leadId, matched_by: 'thread' });
    expect(await org.leadOf(recordId)).toMatchObject({ status: 'handed_back', state: 'Unsubscribed', last_intent: 'Unsubscribed' });
    expect(await rows(world.db, 'SELECT email, reason FROM suppressions')).toEqual([{ email: 'jane.doe@prospect.test', reason: 'unsubscribed' }]);
    expect(org.record(recordId).Email_Opt_Out).toBe(true);
    expect(ownerOf(recordId)).toBe(org.rep.id);
    expect(statusOf(recordId)).toBe('Unsubscribed');
    expect(org.noteTitles(recordId).slice(-2)).toEqual(['Reply received: Re: A quick question for you', 'Nova handed this back']);

    for (let round = 0; round < 10; round += 1) await world.advanceToNextWork();
    world.clock.advance(30 * DAY);
    await world.settle();
    expect(world.mailer.sent).toHaveLength(1);
  });

  it('the unsubscribe link: a confirmation page, then one click suppresses and hands back; the next email never goes', async () => {
    const { recordId } = await firstEmail();
    const link = new URL(/^<(.+)>$/.exec(world.mailer.sent[0]!.headers['List-Unsubscribe']!)![1]!);
    const page = await world.request(link.pathname);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Stop emails to jane.doe@prospect.test?');
    expect(await count('SELECT COUNT(*) FROM suppressions')).toBe(0);

    const oneClick = () => world.request(link.pathname, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    const response = await oneClick();
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('You will not receive further emails from us.');
    expect(await org.leadOf(recordId)).toMatchObject({ status: 'paused', state: 'Unsubscribed' });
    await world.settle();
    expect(await org.leadOf(recordId)).toMatchObject({ status: 'handed_back', state: 'Unsubscribed', close_reason: 'The lead unsubscribed.' });
    expect(await rows(world.db, 'SELECT email, reason, source FROM suppressions')).toEqual([{ email: 'jane.doe@prospect.test', reason: 'unsubscribed', source: 'unsubscribe link' }]);
    expect(org.record(recordId)).toMatchObject({ Email_Opt_Out: true, Owner: { id: org.rep.id } });
    expect(statusOf(recordId)).toBe('Unsubscribed');

    // A second click (a mail client's pre-fetch, a person) changes nothing; a forged link is not ours.
    expect((await oneClick()).status).toBe(200);
    await world.settle();
    expect(await count('SELECT COUNT(*) FROM suppressions')).toBe(1);
    expect(org.noteTitles(recordId).filter((title) => title === 'Nova handed this back')).toHaveLength(1);
    expect((await world.request(`${link.pathname.slice(0, -4)}AAAA`, { method: 'POST' })).status).toBe(404);

    for (let round = 0; round < 10; round += 1) await world.advanceToNextWork();
    expect(world.mailer.sent).toHaveLength(1);
  });

  it('Email_Opt_Out set in Zoho by a person stops the lead and suppresses the address', async () => {
    const { recordId } = await firstEmail();
    org.zoho.updateRecords('Contacts', [{ id: recordId, values: { Email_Opt_Out: true } }], org.rep.id);
    await world.settle();
    expect(await org.leadOf(recordId)).toMatchObject({ status: 'handed_back', state: 'Unsubscribed' });
    expect(await rows(world.db, 'SELECT email, reason FROM suppressions')).toEqual([{ email: 'jane.doe@prospect.test', reason: 'zoho_opt_out' }]);
    expect(ownerOf(recordId)).toBe(org.rep.id);
    for (let round = 0; round < 10; round += 1) await world.advanceToNextWork();
    expect(world.mailer.sent).toHaveLength(1);
  });
});

describe('idempotency', () => {
  it('the same notification delivered twice (in turn or at once) queues one intake, and a redelivery later changes nothing', async () => {
    const recordId = org.contact();
    await world.settle();
    org.zoho.updateRecords('Contacts', [{ id: recordId, values: { Owner: nova.user.id } }], org.admin.id);
    const [notification] = world.zoho.takeNotifications();
    const deliver = async (body: unknown) => {
      const response = await world.request('/webhooks/zoho', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return [response.status, await response.json()];
    };
    const queuedIntakes = () => count("SELECT COUNT(*) FROM jobs WHERE kind = 'intake' AND status = 'queued' AND job_key LIKE ?", `intake:${org.row.id}:Contacts:${recordId}:%`);

    const inboxBefore = await count('SELECT COUNT(*) FROM inbox WHERE channel_id = ?', org.channel.id);
    expect(await deliver({ ...notification!.body, token: 'not-the-channel-token' })).toEqual([401, { error: expect.objectContaining({ code: 'UNAUTHORIZED' }) }]);
    expect(await queuedIntakes()).toBe(0);

    expect(await deliver(notification!.body)).toEqual([200, { received: true, queued: 1 }]);
    expect(await deliver(notification!.body)).toEqual([200, { received: true, queued: 0 }]);
    const concurrent = await Promise.all([deliver(notification!.body), deliver(notification!.body)]);
    expect(concurrent).toEqual([
      [200, { received: true, queued: 0 }],
      [200, { received: true, queued: 0 }],
    ]);
    expect(await queuedIntakes()).toBe(1);
    // Every delivery is kept in the inbox (for diagnosis), whatever it queued.
    expect(await count('SELECT COUNT(*) FROM inbox WHERE channel_id = ?', org.channel.id)).toBe(inboxBefore + 4);
    await world.settle();
    expect(await count('SELECT COUNT(*) FROM leads')).toBe(1);

    // Zoho retries later (our 200 was lost): the intake runs again and finds the lead already worked.
    expect(await deliver(notification!.body)).toEqual([200, { received: true, queued: 1 }]);
    await world.settle();
    const lead = (await org.leadOf(recordId))!;
    expect(await count('SELECT COUNT(*) FROM leads')).toBe(1);
    expect(await count("SELECT COUNT(*) FROM lead_events WHERE lead_id = ? AND kind = 'assigned'", lead.id)).toBe(1);
    expect(await count("SELECT COUNT(*) FROM jobs WHERE kind = 'step'")).toBe(1);
    expect(org.noteTitles(recordId)).toEqual(['Nova is on it']);
  });

  it('every finished job run again sends no email, note or update twice', async () => {
    const recordId = org.contact();
    await org.assign(recordId, nova.user.id);
    await world.settle();
    await runSequenceToEnd(world, org, recordId);
    expect(world.mailer.sent).toHaveLength(4);
    const notesBefore = org.noteTitles(recordId);
    expect(notesBefore).toHaveLength(6);
    const updatesBefore = world.zoho.callsOf('updateRecords').length;
    const kinds = (await rows<{ kind: string }>(world.db, "SELECT DISTINCT kind FROM jobs WHERE status = 'done' ORDER BY kind")).map((job) => job.kind);
    expect(kinds).toEqual(['flush', 'handback', 'intake', 'send', 'step']);
    const tasks = () => [...org.zoho.records.values()].filter((record) => record.module === 'Tasks');
    expect(tasks()).toHaveLength(1);
    const createsBefore = world.zoho.callsOf('createRecords').length;

    // As if every job's completion had been lost: all of them run again.
    expect(await run(world.db, "UPDATE jobs SET status = 'queued', run_at = ?, attempts = 0 WHERE status = 'done'", world.clock.now())).toBeGreaterThan(10);
    await world.settle();
    expect(await count("SELECT COUNT(*) FROM jobs WHERE status = 'queued' AND kind NOT IN ('sweep', 'renew')")).toBe(0);
    expect(world.mailer.sent).toHaveLength(4);
    expect(world.mailer.withheld).toHaveLength(0);
    expect(org.noteTitles(recordId)).toEqual(notesBefore);
    expect(world.zoho.callsOf('updateRecords')).toHaveLength(updatesBefore);
    // The owner's task: one, and no second create call for it.
    expect(tasks()).toHaveLength(1);
    expect(world.zoho.callsOf('createRecords')).toHaveLength(createsBefore);
    expect(await count("SELECT COUNT(*) FROM outbox WHERE kind = 'email'")).toBe(4);
    expect(await org.leadOf(recordId)).toMatchObject({ status: 'handed_back', next_step: 4 });
    expect(ownerOf(recordId)).toBe(org.rep.id);
  });

  it('a note Zoho saved whose answer was lost is found by its reference, not written again; a rate-limited update waits and goes once', async () => {
    world.zoho.fail('createNotes', new ZohoUnavailableError('socket hang up (after Zoho wrote the note)'), { after: true });
    world.zoho.fail('updateRecords', new ZohoRateLimitedError(60_000));
    const recordId = org.contact();
    await org.assign(recordId, nova.user.id);
    await world.settle();
    expect(org.noteTitles(recordId)).toEqual(['Nova is on it']);
    const note = await row<{ status: string; external_id: string }>(world.db, "SELECT status, external_id FROM outbox WHERE kind = 'note'");
    expect(note).toEqual({ status: 'done', external_id: org.notes(recordId)[0]!.id });
    expect(world.zoho.callsOf('createNotes')).toHaveLength(1);
    expect(world.zoho.callsOf('listNotes')).toHaveLength(1);
    // The status update waits out Zoho's rate limit, then goes.
    expect(statusOf(recordId)).toBeNull();
    world.clock.advance(60_000);
    await world.settle();
    expect(statusOf(recordId)).toBe('New');
    expect(world.zoho.callsOf('updateRecords')).toHaveLength(2);
    expect(await count("SELECT COUNT(*) FROM outbox WHERE status != 'done'")).toBe(0);
  });
});
