import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ZohoApiError } from '../../server/src/zoho/errors.js';
import { type AddedAssistant, type InProcess, type SeededOrg, runSequenceToEnd, startWithAssistant } from '../helpers/in-process.js';

/**
 * A handback gives the owner a Zoho Task: what to do next, due by the proposed meeting or the next
 * business day, with the summary — batched with the org's flush, exactly once, also when Zoho
 * answers 5xx after writing it, or the call dies before Zoho saw it.
 */

let world: InProcess, org: SeededOrg, nova: AddedAssistant;
beforeEach(async () => ({ world, org, nova } = await startWithAssistant()));
afterEach(() => world.close());

const tasksOf = (recordId: string) => [...org.zoho.records.values()].filter((record) => record.module === 'Tasks' && (record.values.Who_Id === recordId || record.values.What_Id === recordId));

/** Runs the engine until nothing is due within a day (retries of a failed call included). */
async function settleFully(): Promise<void> {
  await world.settle();
  for (let round = 0; round < 20 && (await world.advanceToNextWork(24 * 60 * 60 * 1000)); round += 1) await world.settle();
}

describe('the owner task at handback', () => {
  it('a meeting reply: one task for the owner, due the meeting day, with the summary, linked to the record', async () => {
    const recordId = org.contact({ First_Name: 'Jane', Last_Name: 'Doe', Email: 'jane@initech.test' });
    await org.assign(recordId, nova.user.id);
    await world.settle();
    while (world.mailer.sent.length === 0) await world.advanceToNextWork();
    await org.reply(world.mailer.sent[0]!, 'Sounds good, Thursday at 2pm works. Send an invite.');
    await settleFully();
    expect((await org.leadOf(recordId))!.status).toBe('handed_back');
    const tasks = tasksOf(recordId);
    expect(tasks).toHaveLength(1);
    const task = tasks[0]!;
    expect(task.ownerId).toBe(org.rep.id);
    expect(task.values).toMatchObject({ Subject: 'Confirm the meeting with Jane Doe', Status: 'Not Started', Priority: 'High', Who_Id: recordId });
    const reply = (await world.engine.leadEvents((await org.leadOf(recordId))!)).find((event) => event.kind === 'reply')!;
    expect(task.values.Due_Date).toBe(String(reply.detail.meeting_at).slice(0, 10));
    expect(String(task.values.Description)).toContain('Proposed meeting time:');
    expect(String(task.values.Description)).toMatch(/— Sales Assistant · ref [0-9a-f]{12}$/);
  });

  it('the sequence ends with no reply: a follow-up task due the next business day', async () => {
    const recordId = org.contact({ First_Name: 'Olivia', Last_Name: 'Stone', Email: 'olivia@stone.test' });
    await org.assign(recordId, nova.user.id);
    await world.settle();
    await runSequenceToEnd(world, org, recordId);
    await settleFully();
    const [task] = tasksOf(recordId);
    expect(task?.values.Subject).toBe('Follow up with Olivia Stone');
    const lead = (await org.leadOf(recordId))!;
    const closed = new Date(lead.closed_at!);
    const due = new Date(`${String(task!.values.Due_Date)}T12:00:00Z`);
    // The next day that is not an off day (the assistant's are Saturday and Sunday).
    expect([1, 2, 3, 4, 5]).toContain(due.getUTCDay());
    expect(due.getTime()).toBeGreaterThan(closed.getTime());
    expect(due.getTime() - closed.getTime()).toBeLessThan(4 * 24 * 60 * 60 * 1000);
  });

  it('exactly one task when Zoho answers 500 after writing it, and when the call fails before Zoho saw it', async () => {
    const first = org.contact({ First_Name: 'Ann', Last_Name: 'After', Email: 'ann@after.test' });
    const second = org.contact({ First_Name: 'Ben', Last_Name: 'Before', Email: 'ben@before.test' });
    for (const recordId of [first, second]) await org.assign(recordId, nova.user.id);
    await world.settle();

    // Ann: Zoho writes the task, then the answer is a 500 (the outcome is unknown to us).
    world.zoho.fail('createRecords', new ZohoApiError(500, 'INTERNAL_ERROR', 'Internal Server Error'), { after: true });
    expect((await org.api('POST', `/leads/${(await org.leadOf(first))!.id}/hand-back`)).status).toBe(200);
    await settleFully();
    expect(tasksOf(first)).toHaveLength(1);
    // The retry looked for it (by the record and the task's reference) instead of creating another.
    expect(world.zoho.callsOf('coql').some((call) => String(call.args[0]).includes(`from Tasks where Who_Id = '${first}'`))).toBe(true);

    // Ben: the call dies before Zoho sees it; the retry finds nothing and creates it once.
    world.zoho.fail('createRecords', new Error('socket hang up'));
    expect((await org.api('POST', `/leads/${(await org.leadOf(second))!.id}/hand-back`)).status).toBe(200);
    await settleFully();
    expect(tasksOf(second)).toHaveLength(1);

    const events = (await world.engine.leadEvents((await org.leadOf(first))!)).map((event) => event.kind);
    expect(events.filter((kind) => kind === 'task_created')).toHaveLength(1);
    console.log(`owner tasks: Ann (500 after the write) ${tasksOf(first).length}, Ben (failed before Zoho) ${tasksOf(second).length}; createRecords calls ${world.zoho.callsOf('createRecords').length}`);
  });

  it('tasks are batched like notes: three handbacks at once make one Zoho call with three tasks', async () => {
    const records = ['Amy', 'Bob', 'Cai'].map((first) => org.contact({ First_Name: first, Last_Name: 'Batch', Email: `${first.toLowerCase()}@batch.test` }));
    for (const recordId of records) await org.assign(recordId, nova.user.id);
    await world.settle();
    const before = world.zoho.callsOf('createRecords').length;
    for (const recordId of records) expect((await org.api('POST', `/leads/${(await org.leadOf(recordId))!.id}/hand-back`)).status).toBe(200);
    await settleFully();
    const calls = world.zoho.callsOf('createRecords').slice(before);
    expect(calls.map((call) => [call.args[0], (call.args[1] as unknown[]).length])).toEqual([['Tasks', 3]]);
    for (const recordId of records) expect(tasksOf(recordId)).toHaveLength(1);
  });

  it('no task when the lead unsubscribed: there is nothing for the owner to do', async () => {
    const recordId = org.contact({ First_Name: 'Una', Last_Name: 'Sub', Email: 'una@sub.test' });
    await org.assign(recordId, nova.user.id);
    await world.settle();
    while (world.mailer.sent.length === 0) await world.advanceToNextWork();
    await org.reply(world.mailer.sent[0]!, 'Please remove me from your mailing list.');
    await settleFully();
    expect((await org.leadOf(recordId))!.status).toBe('handed_back');
    expect(tasksOf(recordId)).toHaveLength(0);
  });
});
