import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { assistantsAnswer, assistantView, crmDetailsAnswer, previewAnswer, sequencesAnswer, sequenceView } from '../../server/src/contract/settings.js';
import { connectorAnswer, connectorSavedAnswer, dryRunAnswer, runRecordsAnswer, runsAnswer, segmentsAnswer, segmentView, zohoFieldsAnswer } from '../../server/src/contract/connector.js';
import { leadView, recordWidgetAnswer } from '../../server/src/contract/record-widget.js';
import { inboundAnswer, mailboxAnswer, phrasesAnswer, suppressionsAnswer } from '../../server/src/contract/replies.js';
import { type AddedAssistant, type InProcess, type SeededOrg, startWithAssistant } from '../helpers/in-process.js';

/**
 * The contract between the server and the settings tab: the real answers, parsed with the answer
 * schemas the widget's types come from (strict: a field added, renamed or dropped on either side
 * fails here). The widget's own tests use fixtures typed by the same contract.
 */

let world: InProcess, org: SeededOrg, nova: AddedAssistant;
beforeEach(async () => ({ world, org, nova } = await startWithAssistant()));
afterEach(() => world.close());

const parsed = <T extends z.ZodType>(schema: T, answer: { status: number; body: unknown }, status = 200) => {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  const result = schema.safeParse(answer.body);
  expect(result.error?.issues ?? []).toEqual([]);
  return result.data as z.infer<T>;
};

describe('the settings contract', () => {
  it('every settings answer has exactly the shape the widget is typed by', async () => {
    const crm = parsed(crmDetailsAnswer, await org.api('GET', '/crm-details'));
    expect(crm.assistants.map((row) => row.name)).toEqual(['Nova']);
    parsed(crmDetailsAnswer, await org.api('POST', '/crm-details/refresh'));
    const list = parsed(assistantsAnswer, await org.api('GET', '/assistants'));
    expect(list.assistants[0]!.id).toBe(nova.assistant.id);
    parsed(assistantView, await org.api('GET', `/assistants/${nova.assistant.id}`));

    const created = parsed(sequenceView, await org.api('POST', '/sequences', { name: 'Quick', steps: [{ after_days: 0 }, { after_days: 2, mode: 'custom', subject: 'Still on for {{company}}?', body: 'Hi {{first_name}}, a short follow-up.' }] }), 201);
    expect(created.steps.map((step) => step.mode)).toEqual(['generated', 'custom']);
    parsed(sequencesAnswer, await org.api('GET', '/sequences'));
    const preview = parsed(previewAnswer, await org.api('POST', '/sequences/preview', { step: created.steps[1], step_index: 1, steps_total: 2 }));
    expect(preview.subject).toBe('Still on for Morgan Industries?');
    expect(preview.text).toContain('Hi Alex, a short follow-up.');
    expect(preview.text).toContain('To stop these emails, unsubscribe:');

    const archived = await org.api('POST', `/assistants/${nova.assistant.id}/archive`);
    expect(archived.status).toBe(200);
    expect(parsed(assistantView, { status: 200, body: archived.body.assistant }).archived_at).not.toBeNull();
    expect(parsed(crmDetailsAnswer, await org.api('GET', '/crm-details')).assistants[0]!.archived).toBe(true);
  });

  it('a 400 names each field with a message in plain words', async () => {
    const bad = await org.api('POST', '/assistants', { name: '', mailbox_email: 'not an address', default_context: 'x', daily_cap: 5000, business_hours: { start: '18:00', end: '09:00' }, brochure_url: 'ftp://x', time_zone: 'Mars/Olympus', bounce_threshold: 0.9 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual(
      expect.arrayContaining([
        { path: 'name', message: 'Give the assistant a name.' },
        { path: 'mailbox_email', message: 'Enter the mailbox as an email address, such as nova@yourcompany.com.' },
        { path: 'daily_cap', message: 'The daily limit is a whole number, 1–2,000.' },
        { path: 'brochure_url', message: 'Enter a web address starting with https://.' },
        { path: 'time_zone', message: 'Choose a time zone such as Europe/Berlin.' },
        { path: 'bounce_threshold', message: 'The bounce limit is between 0.5% and 50%.' },
      ]),
    );
    expect((await org.api('GET', '/assistants')).body.assistants).toHaveLength(1);
  });
});

describe('the record widget contract', () => {
  it('the record widget and lead answers have exactly the shape the widget is typed by, through a whole thread', async () => {
    const recordId = org.contact({ First_Name: 'Jane', Last_Name: 'Doe', Email: 'jane.doe@prospect.test' });
    const widget = async () => parsed(recordWidgetAnswer, await org.api('GET', `/record-widget/Contacts/${recordId}`, undefined, { session: null }));
    expect((await widget()).lead).toBeNull();

    await org.assign(recordId, nova.user.id);
    await world.settle();
    const taken = await widget();
    expect(taken.lead).toMatchObject({ status: 'active', name: 'Jane Doe', handingBack: false });
    expect(taken.events.map((event) => event.kind)).toEqual(['assigned']);

    await world.advanceToNextWork();
    expect(world.mailer.sent).toHaveLength(1);
    const leadId = taken.lead!.id;
    expect(parsed(leadView, await org.api('POST', `/leads/${leadId}/pause`, undefined, { session: null })).status).toBe('paused');
    expect(parsed(leadView, await org.api('POST', `/leads/${leadId}/resume`, undefined, { session: null })).status).toBe('active');

    await org.reply(world.mailer.sent[0]!, 'Sounds good, Thursday at 2pm works. Send an invite.');
    await world.settle();
    const replied = await widget();
    expect(replied.lead!.lastReply?.intent).toBe('AgreedToMeet');
    const reply = replied.events.find((event) => event.kind === 'reply')!;
    expect(reply).toMatchObject({ intent: 'AgreedToMeet', inboundId: expect.any(Number) });

    const corrected = await org.api('POST', `/leads/${leadId}/replies/${reply.inboundId}/correction`, { intent: 'SeekingMoreInfo' }, { session: null });
    parsed(leadView, { status: corrected.status, body: corrected.body.lead });
    const after = await widget();
    expect(after.events.find((event) => event.kind === 'correction')).toMatchObject({ to: 'SeekingMoreInfo' });
    parsed(leadView, await org.api('GET', `/leads/${leadId}`, undefined, { session: null }));
  });
});

describe('the connector and replies contracts', () => {
  it('the connector answers (settings, Zoho fields, segments, a dry run, runs and their records) have exactly the widget\'s shapes', async () => {
    const recordId = org.contact({ First_Name: 'Jane', Last_Name: 'Doe', Email: 'jane.doe@prospect.test' });
    await org.assign(recordId, nova.user.id);
    await world.settle();

    const view = parsed(connectorAnswer, await org.api('GET', '/connector'));
    expect(view.operators.find((operator) => operator.op === 'in')?.label).toBe('is one of');
    const fields = parsed(zohoFieldsAnswer, await org.api('GET', '/connector/zoho-fields'));
    expect(fields.contact.find((field) => field.apiName === 'Email')).toMatchObject({ label: 'Email', type: 'email' });
    const segment = parsed(segmentView, await org.api('POST', '/connector/segments', { name: 'Hot leads', entity: 'contact', conditions: [{ property: 'lead_state', op: 'in', value: ['Hot', 'Warm'] }] }), 201);
    expect(parsed(segmentsAnswer, await org.api('GET', '/connector/segments')).segments.map((row) => row.id)).toEqual([segment.id]);
    parsed(connectorSavedAnswer, await org.api('PUT', '/connector', { ...view.settings, name: 'Zoho (EU)' }));

    const dry = parsed(dryRunAnswer, await org.api('POST', '/connector/dry-run'));
    expect(dry.run.dry_run).toBe(true);
    expect(dry.records.find((record) => record.entity === 'contact')).toMatchObject({ name: 'Jane Doe', email: 'jane.doe@prospect.test' });
    const runs = parsed(runsAnswer, await org.api('GET', '/connector/runs'));
    expect(runs.runs[0]!.id).toBe(dry.run.id);
    const records = parsed(runRecordsAnswer, await org.api('GET', `/connector/runs/${dry.run.id}/records`));
    expect(records.records.length).toBe(dry.records.length);
  });

  it('the replies answers (inbound log, phrases, suppressions, mailbox) have exactly the widget\'s shapes', async () => {
    const recordId = org.contact({ First_Name: 'Jane', Last_Name: 'Doe', Email: 'jane.doe@prospect.test' });
    await org.assign(recordId, nova.user.id);
    await world.settle();
    await world.advanceToNextWork();
    await org.reply(world.mailer.sent[0]!, 'Could you send more details on pricing?');
    await world.settle();

    const inbound = parsed(inboundAnswer, await org.api('GET', '/inbound?status=processed'));
    expect(inbound.messages[0]).toMatchObject({ from_address: 'jane.doe@prospect.test', processed_at: expect.any(String) });
    parsed(phrasesAnswer, await org.api('GET', '/reply-phrases'));
    expect((await org.api('POST', '/reply-phrases', { phrase: 'circle back in spring', intent: 'ConnectLater' })).status).toBe(201);
    expect(parsed(phrasesAnswer, await org.api('GET', '/reply-phrases')).phrases.map((row) => row.intent)).toEqual(['ConnectLater']);
    expect((await org.api('POST', '/suppressions', { email: 'no.thanks@prospect.test' })).status).toBe(201);
    expect(parsed(suppressionsAnswer, await org.api('GET', '/suppressions')).suppressions.map((row) => row.email)).toContain('no.thanks@prospect.test');
    expect(parsed(mailboxAnswer, await org.api('GET', `/assistants/${nova.assistant.id}/mailbox`)).configured).toBe(false);
  });
});
