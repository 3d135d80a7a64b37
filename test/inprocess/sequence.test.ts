import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FINAL_WAIT_MS, SWEEP_INTERVAL_MS } from '../../server/src/engine/context.js';
import { type AddedAssistant, type InProcess, PUBLIC_URL, runSequenceToEnd, type SeededOrg, startWithAssistant } from '../helpers/in-process.js';
import { rows, value } from '../helpers/store.js';

/**
 * What a user relies on from assignment to handback, in process: the real app and engine over the
 * test store, a fake Zoho, a recording mailer. The clock starts on Saturday 2026-11-21 09:00 UTC.
 */

let world: InProcess, org: SeededOrg, nova: AddedAssistant;
beforeEach(async () => ({ world, org, nova } = await startWithAssistant()));
afterEach(() => world.close());

const fieldOf = (label: string) => org.zoho.fieldsOf('Contacts').find((field) => field.label === label)!.apiName;
const statusOf = (recordId: string) => org.record(recordId)[fieldOf('7Targets Lead Connection Status')];
const ownerOf = (recordId: string) => (org.record(recordId).Owner as { id: string }).id;
const iso = (ms: number) => new Date(ms).toISOString();

describe('assignment to handback', () => {
  it('an assigned contact becomes a lead, gets four emails with notes and status updates, then goes back to its owner with a summary', async () => {
    const recordId = org.contact({ First_Name: 'Jane', Last_Name: 'Doe', Email: 'jane.doe@prospect.test' });
    await world.settle();
    const deliveries = await org.assign(recordId, nova.user.id);
    expect(deliveries.map((delivery) => [delivery.status, delivery.body])).toEqual([[200, { received: true, queued: 1 }]]);
    expect(deliveries[0]!.notification.body).toMatchObject({ module: 'Contacts', operation: 'update', ids: [recordId], affected_values: [{ record_id: recordId, values: { Owner: { id: nova.user.id, name: 'Nova Assistant' } } }] });
    await world.settle();

    const lead = (await org.leadOf(recordId))!;
    expect(lead).toMatchObject({ status: 'active', state: 'New', email: 'jane.doe@prospect.test', first_name: 'Jane', last_name: 'Doe', previous_owner_id: org.rep.id, previous_owner_name: 'Sam Sales', steps_total: 4, next_step: 0 });
    // Saturday: the first email waits for Monday's business hours.
    expect(iso(lead.next_send_at!)).toBe('2026-11-23T09:00:00.000Z');
    expect(org.noteTitles(recordId)).toEqual(['Nova is on it']);
    expect(org.notes(recordId)[0]!.content).toMatch(/^Nova will email Jane Doe \(jane\.doe@prospect\.test\) on the "Recommended" sequence \(4 emails\) and hand the record back to Sam Sales when done\.\n\n— Sales Assistant · ref [0-9a-f]{12}$/);
    expect(statusOf(recordId)).toBe('New');
    expect(ownerOf(recordId)).toBe(nova.user.id);
    expect(world.mailer.sent).toHaveLength(0);

    // Monday 09:00: the first email, its note and the status.
    expect(await world.advanceToNextWork()).toBe(true);
    expect(world.mailer.sent).toHaveLength(1);
    const first = world.mailer.sent[0]!;
    expect(first).toMatchObject({ to: 'jane.doe@prospect.test', from: { name: 'Nova', address: nova.assistant.mailbox_email }, subject: 'A quick question for you', messageId: `<${lead.id}.0@org${/org(\d+)/.exec(nova.assistant.mailbox_email)![1]}.assist.test>` });
    expect(iso(first.at)).toBe('2026-11-23T09:00:00.000Z');
    expect(first.inReplyTo).toBeUndefined();
    expect(first.text).toContain("Hi Jane,\n\nI'm writing to you directly, Jane, with one thing we do well: we help mid-size manufacturers cut energy costs with smart metering.");
    // The proof point goes to the second email, whose purpose is value with one proof.
    expect(first.text).not.toContain('Acme customers save 18%');
    expect(first.text).toMatch(new RegExp(`To stop these emails, unsubscribe: ${PUBLIC_URL.replace(/\./g, '\\.')}/unsubscribe/${lead.id}\\.[A-Za-z0-9_-]{22}\\nAcme Energy, 1 Main St, Springfield\\n$`));
    expect(first.headers).toEqual({ 'List-Unsubscribe': `<${PUBLIC_URL}/unsubscribe/${first.text.match(/unsubscribe\/(\S+)/)![1]}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });
    expect(org.noteTitles(recordId)).toEqual(['Nova is on it', 'Email 1 of 4 sent: A quick question for you']);
    expect(org.notes(recordId)[1]!.content).toContain(`From Nova <${nova.assistant.mailbox_email}> to jane.doe@prospect.test`);
    expect(statusOf(recordId)).toBe('Pending');
    expect(await org.leadOf(recordId)).toMatchObject({ status: 'active', state: 'Pending', next_step: 1, next_send_at: Date.parse('2026-11-26T09:00:00Z') });

    await runSequenceToEnd(world, org, recordId);

    // Four emails, 3, 5 and 7 days apart, threaded on the first.
    expect(world.mailer.sent.map((email) => [iso(email.at), email.subject])).toEqual([
      ['2026-11-23T09:00:00.000Z', 'A quick question for you'],
      ['2026-11-26T09:00:00.000Z', 'Re: A quick question for you'],
      ['2026-12-01T09:00:00.000Z', 'Re: A quick question for you'],
      ['2026-12-08T09:00:00.000Z', 'Re: A quick question for you'],
    ]);
    expect(world.mailer.sent.slice(1).map((email) => email.inReplyTo)).toEqual(world.mailer.sent.slice(0, 3).map((email) => email.messageId));
    expect(world.mailer.sent[3]!.references).toEqual([first.messageId, world.mailer.sent[2]!.messageId]);

    // Three days after the last email with no reply: back to Sam with a note, the status Processed.
    const closed = (await org.leadOf(recordId))!;
    expect(closed).toMatchObject({ status: 'handed_back', state: 'Processed', next_step: 4, close_reason: 'The "Recommended" sequence ended with no reply.' });
    expect(closed.closed_at).toBe(Date.parse('2026-12-08T09:00:00Z') + FINAL_WAIT_MS);
    expect(ownerOf(recordId)).toBe(org.rep.id);
    expect(statusOf(recordId)).toBe('Processed');
    expect(org.noteTitles(recordId)).toEqual([
      'Nova is on it',
      'Email 1 of 4 sent: A quick question for you',
      'Email 2 of 4 sent: Re: A quick question for you',
      'Email 3 of 4 sent: Re: A quick question for you',
      'Email 4 of 4 sent: Re: A quick question for you',
      'Nova handed this back',
    ]);
    const summary = org.notes(recordId).at(-1)!.content;
    expect(summary).toContain('Why: The "Recommended" sequence ended with no reply.\nSent: 4 of 4 emails (last: "Re: A quick question for you").\nReplies: none.\nNext step: Sam Sales takes it from here.');
    // The timeline Zoho keeps: Sam → Nova (the admin's change) and Nova → Sam (our handback, with the org's token).
    expect(org.zoho.ownerChanges('Contacts', recordId).map((change) => [change.from, change.to, change.byUserId])).toEqual([
      ['Sam Sales', 'Nova Assistant', org.admin.id],
      ['Nova Assistant', 'Sam Sales', org.admin.id],
    ]);
    // Zoho notified us of our own handback; it concerned no assistant, so nothing was queued.
    expect(world.deliveries.at(-1)).toMatchObject({ status: 200, body: { received: true, queued: 0 } });
    expect(await value(world.db, "SELECT COUNT(*) FROM outbox WHERE status != 'done'")).toBe(0);

    // Nothing more goes out, however long we wait.
    for (let round = 0; round < 5; round += 1) await world.advanceToNextWork();
    world.clock.advance(40 * 24 * 60 * 60 * 1000);
    await world.settle();
    expect(world.mailer.sent).toHaveLength(4);
    expect(org.noteTitles(recordId)).toHaveLength(6);
  });

  it('a person taking the record back stops the assistant, with a note, and no further email', async () => {
    const recordId = org.contact();
    await org.assign(recordId, nova.user.id);
    await world.settle();
    await world.advanceToNextWork();
    expect(world.mailer.sent).toHaveLength(1);

    await org.assign(recordId, org.admin.id);
    await world.settle();
    expect(await org.leadOf(recordId)).toMatchObject({ status: 'stopped', close_reason: 'Ann Admin took the record back in Zoho, so the assistant stopped.' });
    expect(org.noteTitles(recordId).at(-1)).toBe('The assistant stopped');
    for (let round = 0; round < 10; round += 1) await world.advanceToNextWork();
    expect(world.mailer.sent).toHaveLength(1);
    expect(ownerOf(recordId)).toBe(org.admin.id);
  });

  it('a record with no email address is handed straight back, saying why', async () => {
    const recordId = org.contact({ Email: null });
    await org.assign(recordId, nova.user.id);
    await world.settle();
    expect(await org.leadOf(recordId)).toMatchObject({ status: 'handed_back', state: 'Processed', close_reason: 'The record has no email address, so the assistant cannot write to it.' });
    expect(ownerOf(recordId)).toBe(org.rep.id);
    expect(org.noteTitles(recordId)).toEqual(['Nova is on it', 'Nova handed this back']);
    expect(world.mailer.sent).toHaveLength(0);
  });

  it('with notifications lost, the sweep finds the assignment by COQL within its interval', async () => {
    const recordId = org.contact();
    await world.settle();
    // Zoho changes the owner but the notification never arrives.
    org.zoho.updateRecords('Contacts', [{ id: recordId, values: { Owner: nova.user.id } }], org.admin.id);
    expect(world.zoho.takeNotifications()).toHaveLength(1);
    await world.settle();
    expect(await org.leadOf(recordId)).toBeUndefined();

    const sweepsBefore = world.zoho.callsOf('coql').length;
    world.clock.advance(SWEEP_INTERVAL_MS);
    await world.settle();
    expect(await org.leadOf(recordId)).toMatchObject({ status: 'active', previous_owner_id: org.rep.id });
    const queries = world.zoho.callsOf('coql').slice(sweepsBefore).map((call) => String(call.args[0]));
    expect(queries.find((query) => query.startsWith('select id, Modified_Time from Contacts where Owner in'))).toContain(`'${nova.user.id}'`);
    expect(org.noteTitles(recordId)).toEqual(['Nova is on it']);
  });

  it('the "7Targets Sequence" and "7Targets Context" fields of the record pick the sequence and the context', async () => {
    const short = await org.api('POST', '/sequences', { name: 'Recommended Short', steps: [{ after_days: 0, mode: 'custom', subject: 'About {{company}}', body: 'Hi {{first_name}}, {{context}}' }] });
    expect(short.status).toBe(201);
    const sequenceField = fieldOf('7Targets Sequence');
    // The picklist was made at authorization; an admin adds the new sequence to it.
    org.zoho.addPicklistValue('Contacts', sequenceField, 'Recommended Short');
    const recordId = org.contact({ [fieldOf('7Targets Context')]: 'Met at the Hannover fair; asked about retrofits.', [sequenceField]: 'Recommended Short' });
    await org.assign(recordId, nova.user.id);
    await world.settle();
    expect(await org.leadOf(recordId)).toMatchObject({ steps_total: 1, sequence_id: short.body.id, context: 'Met at the Hannover fair; asked about retrofits.' });
    await runSequenceToEnd(world, org, recordId);
    expect(world.mailer.sent).toHaveLength(1);
    expect(world.mailer.sent[0]!.subject).toBe('About ');
    expect(world.mailer.sent[0]!.text).toMatch(/^Hi Jane, Met at the Hannover fair; asked about retrofits\.\n\nNova\nAcme Energy/);
    expect(await org.leadOf(recordId)).toMatchObject({ status: 'handed_back', state: 'Processed' });
    expect(await rows(world.db, "SELECT kind FROM lead_events WHERE lead_id = ? ORDER BY id", (await org.leadOf(recordId))!.id)).toEqual([{ kind: 'assigned' }, { kind: 'email_sent' }, { kind: 'handed_back' }, { kind: 'task_created' }]);
  });
});
