import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AddedAssistant, type InProcess, type SeededOrg, startWithAssistant } from '../helpers/in-process.js';

/** Archiving and deleting an assistant from the settings tab: what happens to its records. */

let world: InProcess, org: SeededOrg, nova: AddedAssistant;
beforeEach(async () => ({ world, org, nova } = await startWithAssistant()));
afterEach(() => world.close());

const ownerOf = (recordId: string) => (org.record(recordId).Owner as { id: string }).id;

describe('archive and delete', () => {
  it('archiving hands back what it works, takes nothing new, and deleting one with a history is refused', async () => {
    const working = org.contact({ First_Name: 'Jane', Email: 'jane@prospect.test' });
    await org.assign(working, nova.user.id);
    await world.settle();
    expect((await org.leadOf(working))!.status).toBe('active');

    const archived = await org.api('POST', `/assistants/${nova.assistant.id}/archive`);
    expect(archived.status).toBe(200);
    expect(archived.body.handedBack).toBe(1);
    await world.settle();
    expect((await org.leadOf(working))!.status).toBe('handed_back');
    expect(ownerOf(working)).toBe(org.rep.id);
    expect(org.notes(working).at(-1)!.content).toContain('Nova was archived by an administrator, so it stopped working this record.');

    // A record assigned to the archived assistant goes straight back, and nothing is sent.
    const late = org.contact({ First_Name: 'Lee', Email: 'lee@prospect.test' });
    await org.assign(late, nova.user.id);
    await world.settle();
    expect(ownerOf(late)).toBe(org.rep.id);
    expect(org.notes(late).map((note) => note.content).join('\n')).toContain('Nova is archived, so it takes no new records.');
    expect(world.mailer.sent).toEqual([]);

    const refused = await org.api('DELETE', `/assistants/${nova.assistant.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toBe('Nova has worked 2 records: archive it instead, so their history stays.');
    expect((await org.api('GET', '/assistants')).body.assistants).toHaveLength(1);

    const back = await org.api('POST', `/assistants/${nova.assistant.id}/unarchive`);
    expect(back.status).toBe(200);
    expect(back.body.assistant.archived_at).toBeNull();
  });

  it('an assistant that never worked a record is deleted; a widget caller without an admin session cannot archive', async () => {
    const spare = await org.addAssistant({ name: 'Spare', mailbox_email: 'spare@acme.test' });
    expect((await org.api('POST', `/assistants/${spare.assistant.id}/archive`, undefined, { session: null })).status).toBe(403);
    expect((await org.api('DELETE', `/assistants/${spare.assistant.id}`)).status).toBe(204);
    expect((await org.api('GET', '/assistants')).body.assistants.map((assistant: { name: string }) => assistant.name)).toEqual(['Nova']);
    expect((await org.api('DELETE', `/assistants/${spare.assistant.id}`)).status).toBe(404);
  });
});
