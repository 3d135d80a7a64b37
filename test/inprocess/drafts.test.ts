import { afterEach, describe, expect, it } from 'vitest';
import { draftsAnswer, recordWidgetAnswer } from '../../server/src/contract/record-widget.js';
import { sendPlanAnswer } from '../../server/src/contract/settings.js';
import { type InProcess, startInProcess } from '../helpers/in-process.js';

/**
 * Drafts for approval: with "approve every email" nothing reaches SMTP until a person approves;
 * the edit is exactly what is sent; a skipped draft never goes; an unapproved one expires and the
 * record goes back to its owner. Approvals and skips are notes in Zoho.
 */

let world: InProcess | undefined;
afterEach(() => world?.close());

const DAY = 24 * 60 * 60 * 1000;

interface DraftJson {
  id: number;
  step: number;
  of: number;
  subject: string;
  text: string;
  to: string;
  expiresAt: string;
}

async function setUp(approval: 'every' | 'first', expiryDays = 3) {
  // Monday 2026-11-23 10:00 UTC: inside the sending hours.
  world = await startInProcess({ start: '2026-11-23T10:00:00.000Z' });
  const org = await world.authorizedOrg();
  const nova = await org.addAssistant({ approval, draft_expiry_days: expiryDays, time_zone: 'UTC', off_days: [] });
  return { world, org, nova };
}

/** Runs the engine until nothing more is due within `ms`. */
async function runFor(world: InProcess, ms: number): Promise<void> {
  const until = world.clock.now() + ms;
  await world.settle();
  while (world.clock.now() < until && (await world.advanceToNextWork(until - world.clock.now()))) await world.settle();
}

/** Runs the engine, one piece of work at a time, until a draft waits (at most `ms`); answers the first. */
async function nextDraft(world: InProcess, org: Awaited<ReturnType<InProcess['authorizedOrg']>>, ms: number): Promise<DraftJson | undefined> {
  const until = world.clock.now() + ms;
  await world.settle();
  for (;;) {
    const drafts = draftsAnswer.parse((await org.api('GET', '/drafts')).body).drafts;
    if (drafts.length > 0) return drafts[0] as DraftJson;
    if (world.clock.now() >= until || !(await world.advanceToNextWork(until - world.clock.now()))) return undefined;
    await world.settle();
  }
}

describe('drafts for approval', () => {
  it('with "approve every email" nothing is sent before approval; the edit is what is sent; a skip is never sent', async () => {
    const { world, org, nova } = await setUp('every');
    const record = org.contact({ First_Name: 'Jane', Last_Name: 'Doe', Email: 'jane@initech.test', Title: 'Head of Operations' });
    await org.assign(record, nova.user.id);
    await runFor(world, 2 * 60 * 60 * 1000);
    expect(world.mailer.sent).toHaveLength(0);

    // The draft waits in the list and on the record widget, in the shapes the widget is typed by.
    const list = await org.api('GET', '/drafts');
    expect(list.status).toBe(200);
    const drafts = draftsAnswer.parse(list.body).drafts;
    expect(drafts).toHaveLength(1);
    expect(drafts[0]).toMatchObject({ step: 1, of: 4, to: 'jane@initech.test', name: 'Jane Doe', zohoModule: 'Contacts', zohoRecordId: record });
    const widget = recordWidgetAnswer.parse((await org.api('GET', `/record-widget/Contacts/${record}`)).body);
    expect(widget.draft?.id).toBe(drafts[0]!.id);
    const first = drafts[0] as DraftJson;
    // The send plan says why nothing goes to Jane: her email waits for a person.
    const plan = sendPlanAnswer.parse((await org.api('GET', '/send-plan?days=14')).body);
    expect(plan.emails.filter((email) => email.email === 'jane@initech.test')).toEqual([]);
    expect(plan.held).toEqual([{ lead_id: drafts[0]!.leadId, name: 'Jane Doe', email: 'jane@initech.test', reason: `email 1 is a draft waiting for approval (handed back unsent at ${first.expiresAt} if nobody approves it)` }]);

    // "Send now" does not go around the approval.
    const lead = (await org.leadOf(record))!;
    const sendNow = await org.api('POST', `/leads/${lead.id}/send-now`);
    expect(sendNow.status).toBe(409);
    expect(sendNow.body.error.message).toContain('draft waiting for approval');

    // An edit that drops the unsubscribe link is refused, and changes nothing.
    const noLink = await org.api('POST', `/drafts/${first.id}/approve`, { subject: first.subject, text: 'Hi Jane, short and sweet.' }, { session: org.adminSession() });
    expect(noLink.status).toBe(400);
    expect(noLink.body.error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'Keep the unsubscribe link in the email: every email must let the lead opt out.' });
    const bad = await org.api('POST', `/drafts/${first.id}/approve`, { subject: '', text: first.text });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([{ path: 'subject', message: 'Write a subject.' }]);
    await runFor(world, 60 * 60 * 1000);
    expect(world.mailer.sent).toHaveLength(0);

    // Approved as edited: exactly the edit goes out.
    const subject = 'Jane, one question about Initech';
    const text = first.text.replace(/^Hi Jane,/, 'Hello Jane,\n\nI edited this line myself.');
    expect(text).not.toBe(first.text);
    const approved = await org.api('POST', `/drafts/${first.id}/approve`, { subject, text }, { session: org.adminSession() });
    expect(approved.status).toBe(200);
    const again = await org.api('POST', `/drafts/${first.id}/approve`, { subject, text });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe('The draft was already approved.');
    await runFor(world, 60 * 60 * 1000);
    expect(world.mailer.sent).toHaveLength(1);
    expect(world.mailer.sent[0]).toMatchObject({ to: 'jane@initech.test', subject, text });
    expect(org.noteTitles(record)).toContain(`Email 1 of 4 approved by ${org.admin.email}`);

    // The second email is a draft again, written after its wait counted from the sending of the first.
    const second = (await nextDraft(world, org, 10 * DAY))!;
    expect(second.step).toBe(2);
    expect(world.mailer.sent).toHaveLength(1);
    const skipped = await org.api('POST', `/drafts/${second.id}/skip`, undefined, { session: null });
    expect(skipped.status).toBe(200);

    // The third is written after the skip; the skipped one is never sent.
    const third = (await nextDraft(world, org, 10 * DAY))!;
    expect(third.step).toBe(3);
    expect(org.noteTitles(record)).toContain('Email 2 of 4 skipped by a Zoho user');
    expect(world.mailer.sent.map((email) => email.subject)).not.toContain(second.subject);
    expect(world.mailer.sent).toHaveLength(1);
    expect(third.text).not.toBe(second.text);
    const events = (await world.engine.leadEvents((await org.leadOf(record))!)).map((event) => event.kind);
    expect(events.filter((kind) => kind === 'draft_waiting')).toHaveLength(3);
    expect(events).toContain('draft_approved');
    expect(events).toContain('draft_skipped');
    console.log(`drafts: 3 written, 1 approved (sent as edited: "${world.mailer.sent[0]!.subject}"), 1 skipped (never sent), 1 waiting; SMTP received ${world.mailer.sent.length}`);
  });

  it('a draft left unapproved past its expiry is never sent and the record goes back to its owner', async () => {
    const { world, org, nova } = await setUp('first', 2);
    const record = org.contact({ First_Name: 'Olivia', Last_Name: 'Stone', Email: 'olivia@stone.test' });
    await org.assign(record, nova.user.id, org.rep);
    await runFor(world, 60 * 60 * 1000);
    const [draft] = draftsAnswer.parse((await org.api('GET', '/drafts')).body).drafts;
    expect(Date.parse(draft!.expiresAt) - Date.parse(draft!.writtenAt)).toBe(2 * DAY);

    await runFor(world, 3 * DAY);
    expect(world.mailer.sent).toHaveLength(0);
    const lead = (await org.leadOf(record))!;
    expect(lead.status).toBe('handed_back');
    expect(lead.close_reason).toBe(`Email 1 of 4 ("${draft!.subject}") waited 2 days for approval and was not sent.`);
    expect((org.record(record).Owner as { id: string }).id).toBe(org.rep.id);
    expect(draftsAnswer.parse((await org.api('GET', '/drafts')).body).drafts).toHaveLength(0);
    const late = await org.api('POST', `/drafts/${draft!.id}/approve`, { subject: draft!.subject, text: draft!.text });
    expect(late.status).toBe(409);
    expect(late.body.error.message).toBe('The draft expired or its lead closed.');
    await runFor(world, 2 * DAY);
    expect(world.mailer.sent).toHaveLength(0);
  });

  it('"Hand back now" while a draft waits: the draft can no longer be approved, and nothing is sent', async () => {
    const { world, org, nova } = await setUp('every');
    const record = org.contact({ First_Name: 'Hal', Last_Name: 'Back', Email: 'hal@back.test' });
    await org.assign(record, nova.user.id);
    await runFor(world, 60 * 60 * 1000);
    const [draft] = draftsAnswer.parse((await org.api('GET', '/drafts')).body).drafts;
    const lead = (await org.leadOf(record))!;
    expect((await org.api('POST', `/leads/${lead.id}/hand-back`)).status).toBe(200);
    // Before the handback job has even run, the draft is gone from the list and refused.
    expect(draftsAnswer.parse((await org.api('GET', '/drafts')).body).drafts).toHaveLength(0);
    const late = await org.api('POST', `/drafts/${draft!.id}/approve`, { subject: draft!.subject, text: draft!.text });
    expect(late.status).toBe(409);
    await runFor(world, 2 * DAY);
    expect(world.mailer.sent).toHaveLength(0);
    expect((await org.leadOf(record))!.status).toBe('handed_back');
  });

  it('"approve the first email" lets the follow-ups go on their own', async () => {
    const { world, org, nova } = await setUp('first');
    const record = org.contact({ First_Name: 'Sam', Last_Name: 'Reed', Email: 'sam@reed.test' });
    await org.assign(record, nova.user.id);
    await runFor(world, 60 * 60 * 1000);
    const [draft] = draftsAnswer.parse((await org.api('GET', '/drafts')).body).drafts;
    expect((await org.api('POST', `/drafts/${draft!.id}/approve`, { subject: draft!.subject, text: draft!.text })).status).toBe(200);
    await runFor(world, 60 * 60 * 1000);
    // Approved and sent: the follow-ups are planned as emails, not drafts.
    const plan = sendPlanAnswer.parse((await org.api('GET', '/send-plan?days=30')).body);
    expect(plan.emails.map((email) => [email.step, email.draft])).toEqual([[2, false], [3, false], [4, false]]);
    await runFor(world, 5 * DAY);
    expect(world.mailer.sent.length).toBeGreaterThanOrEqual(2);
    expect(draftsAnswer.parse((await org.api('GET', '/drafts')).body).drafts).toHaveLength(0);
  });

  it('refuses an approval mode or expiry it does not know, next to the field', async () => {
    world = await startInProcess();
    const org = await world.authorizedOrg();
    const base = { name: 'Nova', mailbox_email: 'nova2@assist.test', default_context: 'We sell meters.' };
    const mode = await org.api('POST', '/assistants', { ...base, approval: 'sometimes' }, { session: org.adminSession() });
    expect(mode.status).toBe(400);
    expect(mode.body.error.details).toEqual([{ path: 'approval', message: 'Choose when a person approves emails: never, the first email, or every email.' }]);
    const days = await org.api('POST', '/assistants', { ...base, draft_expiry_days: 0 }, { session: org.adminSession() });
    expect(days.status).toBe(400);
    expect(days.body.error.details).toEqual([{ path: 'draft_expiry_days', message: 'Drafts wait a whole number of days, 1–30.' }]);
  });
});
