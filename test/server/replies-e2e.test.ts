import { afterEach, describe, expect, it } from 'vitest';
import { unsubscribeToken } from '../../server/src/engine/nurture.js';
import { type TestBackend, signInAsAdmin } from '../helpers/backend-harness.js';
import type { ConnectedOrg } from '../helpers/connected-org.js';
import { type Scenario, startWithAssistant } from '../helpers/engine-scenario.js';
import { bounceFor, replyTo } from '../helpers/replies.js';
import type { CapturedMail } from '../helpers/smtp-sink.js';
import { row, rows, value } from '../helpers/store.js';

const INBOUND_TOKEN = 'inbound-webhook-token-for-tests-0123456789';
const DAY = 24 * 60 * 60 * 1000;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

let backend: TestBackend;
let org: ConnectedOrg;
let scenario: Scenario;

async function start(overrides: Record<string, unknown> = {}): Promise<void> {
  ({ backend, org, scenario } = await startWithAssistant({ env: { INBOUND_WEBHOOK_TOKEN: INBOUND_TOKEN }, assistant: overrides }));
}

afterEach(async () => {
  await backend.stop();
});

const now = () => backend.sandbox.clock.now();
const longDate = (ms: number) => {
  const date = new Date(ms);
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
};
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Assigns a new Contact to the assistant and runs until its first email is out; answers the record and the email. */
async function firstEmail(fields: Record<string, unknown> = {}): Promise<{ recordId: string; mail: CapturedMail }> {
  const before = backend.smtp.messages.length;
  const recordId = await scenario.contact(fields);
  await scenario.assign('Contacts', recordId, scenario.assistantUserId);
  await scenario.settle();
  for (let round = 0; round < 10 && backend.smtp.messages.length === before; round += 1) await scenario.advanceToNextWork();
  expect(backend.smtp.messages).toHaveLength(before + 1);
  return { recordId, mail: backend.smtp.messages.at(-1)! };
}

async function deliver(raw: string): Promise<{ status: number; body: { id: number; duplicate: boolean; matchedOrg: boolean } }> {
  const response = await fetch(`${backend.url}/webhooks/inbound`, { method: 'POST', headers: { authorization: `Bearer ${INBOUND_TOKEN}`, 'content-type': 'message/rfc822' }, body: raw });
  const body = (await response.json()) as { id: number; duplicate: boolean; matchedOrg: boolean };
  await scenario.settle();
  return { status: response.status, body };
}

/** Zoho's API with a token fresh at the current (simulated) time. */
async function zoho(method: string, path: string, body?: unknown) {
  const token = (await backend.sandbox.token(org.zoho)).access_token;
  return backend.sandbox.crm(token, method, path, body, org.zoho.api_domain);
}

/** Our API as a freshly signed-in admin (sessions expire as simulated days pass). */
async function adminApi(method: string, path: string, body?: unknown) {
  const { token } = await signInAsAdmin(backend, org.zoho.admin.email);
  return org.api(method, path, body, { session: token });
}

const inbound = async (id: number) => (await row(backend.deps.db, 'SELECT status, intent, lead_id, matched_by, action, extracted_date FROM inbound_messages WHERE id = ?', id))!;
const noteTitles = async (recordId: string) => (await scenario.notes('Contacts', recordId)).map((note) => String(note.Note_Title));
const sentTo = (address: string) => backend.smtp.messages.filter((mail) => mail.to.includes(address));

describe('replies through the whole pipeline (inbound webhook → match → classify → Zoho → act)', () => {
  it('an out-of-office reply pauses the lead until the return date, then the sequence resumes', async () => {
    await start();
    const { recordId, mail } = await firstEmail();
    const back = now() + 10 * DAY;
    const reply = replyTo(mail, `Thank you for your email. I am out of the office until ${longDate(back)} with limited access to email.`, { at: now(), headers: { 'Auto-Submitted': 'auto-replied' } });
    const stored = await deliver(reply);
    expect(stored.status).toBe(202);
    expect(await inbound(stored.body.id)).toMatchObject({ status: 'processed', intent: 'OutOfOffice', matched_by: 'thread', extracted_date: isoDay(back) });
    const lead = (await scenario.leadOf(recordId))!;
    expect(lead).toMatchObject({ status: 'paused', state: 'Out of office' });
    expect(lead.resume_at).toBeGreaterThanOrEqual(Date.parse(`${isoDay(back)}T00:00:00Z`));
    const record = await scenario.record('Contacts', recordId);
    expect(Object.values(record)).toContain('Out of office');
    expect(await noteTitles(recordId)).toContain(`Reply received: Re: ${mail.headers.subject}`);

    // Nothing goes out during the absence; the next email follows the return date.
    for (let round = 0; round < 20 && backend.smtp.messages.length === 1; round += 1) await scenario.advanceToNextWork(40 * DAY);
    expect(backend.smtp.messages).toHaveLength(2);
    const second = (await rows<{ done_at: number }>(backend.deps.db, "SELECT done_at FROM outbox WHERE kind = 'email' AND lead_id = ? ORDER BY id", lead.id)).map((entry) => entry.done_at);
    expect(second[1]).toBeGreaterThanOrEqual(lead.resume_at!);
    expect(await scenario.leadOf(recordId)).toMatchObject({ status: 'active', state: 'Pending' });
  });

  it('"connect later" moves the next email to the date the lead named', async () => {
    await start();
    const { recordId, mail } = await firstEmail();
    const later = now() + 45 * DAY;
    await deliver(replyTo(mail, `Not a good time for us, we are in the middle of budget season. Please reach out again after ${longDate(later)}.`, { at: now() }));
    const lead = (await scenario.leadOf(recordId))!;
    expect(lead).toMatchObject({ state: 'Engaged', last_intent: 'ConnectLater' });
    expect(lead.resume_at).toBeGreaterThanOrEqual(Date.parse(`${isoDay(later)}T00:00:00Z`));
    expect(Object.values(await scenario.record('Contacts', recordId))).toContain('Engaged');
    for (let round = 0; round < 20 && backend.smtp.messages.length === 1; round += 1) await scenario.advanceToNextWork(60 * DAY);
    expect(backend.smtp.messages).toHaveLength(2);
    expect(now()).toBeGreaterThanOrEqual(lead.resume_at!);
  });

  it('a referral creates the person in Zoho under the previous owner, on the same account, once', async () => {
    await start();
    const account = await zoho('POST', '/Accounts', { data: [{ Account_Name: 'Brightline Plastics', Owner: { id: org.repId } }] });
    const accountId = account.body.data[0].details.id as string;
    const { recordId, mail } = await firstEmail({ Account_Name: { id: accountId } });
    const body = "I'm not the right person for this. Please reach out to Maria Lopez (maria.lopez@brightline.test), our facilities manager; she handles energy.\n\nBest,\nJane Doe\njane.doe@prospect.test | +1 555 0100";
    await deliver(replyTo(mail, body, { at: now() }));

    const found = await zoho('GET', '/Contacts/search?email=maria.lopez@brightline.test');
    expect(found.status).toBe(200);
    expect(found.body.data).toHaveLength(1);
    const created = (await scenario.record('Contacts', String(found.body.data[0].id))) as Record<string, { id?: string; name?: string } | string>;
    expect(created).toMatchObject({ First_Name: 'Maria', Last_Name: 'Lopez', Email: 'maria.lopez@brightline.test' });
    expect((created.Owner as { id: string }).id).toBe(org.repId);
    expect((created.Account_Name as { id: string }).id).toBe(accountId);
    expect((await scenario.notes('Contacts', String(found.body.data[0].id))).map((note) => note.Note_Title)).toContain('Referred by Jane Doe');

    // The referring lead goes back to its owner with the summary.
    const lead = (await scenario.leadOf(recordId))!;
    expect(lead).toMatchObject({ status: 'handed_back', state: 'Responded' });
    expect((await scenario.record('Contacts', recordId)).Owner.id).toBe(org.repId);
    const handback = (await scenario.notes('Contacts', recordId)).find((note) => String(note.Note_Title).includes('handed this back'));
    expect(String(handback?.Note_Content)).toContain('Referred to: Maria Lopez <maria.lopez@brightline.test>');

    // A second lead pointing to the same person finds her; nobody is created twice.
    const other = await firstEmail({ Account_Name: { id: accountId } });
    await deliver(replyTo(other.mail, 'Wrong person, sorry. Talk to Maria Lopez, maria.lopez@brightline.test.', { at: now() }));
    const again = await zoho('GET', '/Contacts/search?email=maria.lopez@brightline.test');
    expect(again.body.data).toHaveLength(1);
    expect((await rows<{ status: string }>(backend.deps.db, 'SELECT status FROM referrals ORDER BY id')).map((entry) => entry.status)).toEqual(['created', 'existing']);
  });

  it('a hard bounce deactivates the lead, suppresses the address, and a new record with it is never emailed', async () => {
    await start();
    const address = 'gone@prospect.test';
    const { recordId, mail } = await firstEmail({ Email: address });
    const soft = await deliver(bounceFor(mail, { at: now(), status: '4.2.2', action: 'delayed' }));
    expect(await inbound(soft.body.id)).toMatchObject({ intent: 'Bounce', action: 'temporary delivery delay; nothing changed' });
    expect((await scenario.leadOf(recordId))!.status).toBe('active');

    const hard = await deliver(bounceFor(mail, { at: now() }));
    expect(await inbound(hard.body.id)).toMatchObject({ intent: 'Bounce', matched_by: 'thread', status: 'processed' });
    expect(await scenario.leadOf(recordId)).toMatchObject({ status: 'handed_back', state: 'Deactivated' });
    expect(await value(backend.deps.db, 'SELECT reason FROM suppressions WHERE email = ?', address)).toBe('bounced');
    expect(await noteTitles(recordId)).toContain(`Email bounced: ${address}`);
    expect((await scenario.record('Contacts', recordId)).Owner.id).toBe(org.repId);

    const again = await scenario.contact({ Email: address });
    await scenario.assign('Contacts', again, scenario.assistantUserId);
    await scenario.settle();
    for (let round = 0; round < 5; round += 1) await scenario.advanceToNextWork();
    expect(sentTo(address)).toHaveLength(1);
    expect(await scenario.leadOf(again)).toMatchObject({ status: 'handed_back', state: 'Deactivated' });
    expect((await scenario.leadOf(again))!.close_reason).toContain('suppression list');
  });

  it('one-click unsubscribe suppresses the address before the next send, and Zoho gets Email_Opt_Out', async () => {
    await start();
    const address = 'shared@prospect.test';
    // Two records with one address: the second has its email written and waiting when the first unsubscribes.
    const first = await firstEmail({ Email: address });
    const secondId = await scenario.contact({ Email: address, Last_Name: 'Second' });
    await scenario.assign('Contacts', secondId, scenario.assistantUserId);
    await backend.sandbox.sandbox.deps.notifier.idle();
    // One job at a time, until the second lead's email is written but not yet sent.
    const written = async () => {
      const lead = await scenario.leadOf(secondId);
      return lead !== undefined && (await row(backend.deps.db, "SELECT 1 AS one FROM outbox WHERE kind = 'email' AND lead_id = ?", lead.id)) !== undefined;
    };
    for (let guard = 0; guard < 30 && !(await written()); guard += 1) await backend.deps.engine.runner.runOnce();
    const second = (await scenario.leadOf(secondId))!;
    expect(await value(backend.deps.db, "SELECT status FROM outbox WHERE kind = 'email' AND lead_id = ?", second.id)).toBe('pending');

    const link = /^<(.+)>$/.exec(first.mail.headers['list-unsubscribe']!)![1]!;
    expect(link).toBe(`${backend.url}/unsubscribe/${unsubscribeToken(backend.deps.engine.deps, (await scenario.leadOf(first.recordId))!)}`);
    expect(first.mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    const response = await fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(response.status).toBe(200);
    expect(await value(backend.deps.db, 'SELECT reason FROM suppressions WHERE email = ?', address)).toBe('unsubscribed');

    await scenario.settle();
    for (let round = 0; round < 5; round += 1) await scenario.advanceToNextWork();
    expect(sentTo(address)).toHaveLength(1);
    expect(await value(backend.deps.db, "SELECT last_error FROM outbox WHERE kind = 'email' AND lead_id = ?", second.id)).toBe('the address is on the suppression list');
    expect(await scenario.leadOf(secondId)).toMatchObject({ status: 'handed_back', state: 'Unsubscribed' });
    expect(await scenario.leadOf(first.recordId)).toMatchObject({ status: 'handed_back', state: 'Unsubscribed' });
    expect((await scenario.record('Contacts', first.recordId)).Email_Opt_Out).toBe(true);
  });

  it('Email_Opt_Out set in Zoho stops the lead and suppresses the address', async () => {
    await start();
    const { recordId } = await firstEmail();
    const lead = (await scenario.leadOf(recordId))!;
    const update = await zoho('PUT', `/Contacts/${recordId}`, { data: [{ Email_Opt_Out: true }] });
    expect(update.status).toBe(200);
    await scenario.settle();
    expect(await scenario.leadOf(recordId)).toMatchObject({ status: 'handed_back', state: 'Unsubscribed' });
    expect(await value(backend.deps.db, 'SELECT reason FROM suppressions WHERE email = ?', lead.email)).toBe('zoho_opt_out');
    for (let round = 0; round < 5; round += 1) await scenario.advanceToNextWork();
    expect(backend.smtp.messages).toHaveLength(1);
    expect((await scenario.record('Contacts', recordId)).Owner.id).toBe(org.repId);
  });

  it('a "remove me" after the handback still suppresses the address and opts out in Zoho', async () => {
    await start();
    const { recordId, mail } = await firstEmail();
    const lead = (await scenario.leadOf(recordId))!;
    expect((await org.api('POST', `/leads/${lead.id}/hand-back`)).status).toBe(200);
    await scenario.settle();
    expect((await scenario.leadOf(recordId))!.status).toBe('handed_back');
    const stored = await deliver(replyTo(mail, 'Please remove me from your mailing list.', { at: now() }));
    expect(await inbound(stored.body.id)).toMatchObject({ intent: 'Unsubscribed', action: 'logged, address suppressed; the lead was already handed back' });
    expect(await value(backend.deps.db, 'SELECT reason FROM suppressions WHERE email = ?', lead.email)).toBe('unsubscribed');
    expect((await scenario.record('Contacts', recordId)).Email_Opt_Out).toBe(true);
  });

  it('a forged bounce (no original of ours inside) changes nothing; an absence on a lead a person paused keeps it paused', async () => {
    await start();
    const { recordId, mail } = await firstEmail();
    const lead = (await scenario.leadOf(recordId))!;
    const forged = ['From: MAILER-DAEMON@evil.test', `To: ${mail.headers.from}`, 'Subject: Undelivered Mail Returned to Sender', 'Message-ID: <forged-1@evil.test>', '', `Delivery to ${lead.email!} failed permanently.`, `Final-Recipient: rfc822; ${lead.email!}`, 'Action: failed', 'Status: 5.1.1', ''].join('\r\n');
    const stored = await deliver(forged);
    expect(await inbound(stored.body.id)).toMatchObject({ intent: 'Bounce', status: 'unmatched' });
    expect((await scenario.leadOf(recordId))!.status).toBe('active');
    expect(await value(backend.deps.db, 'SELECT COUNT(*) AS n FROM suppressions')).toBe(0);

    expect((await org.api('POST', `/leads/${lead.id}/pause`)).status).toBe(200);
    const away = await deliver(replyTo(mail, `I am out of the office until ${longDate(now() + 5 * DAY)}.`, { at: now(), headers: { 'Auto-Submitted': 'auto-replied' } }));
    expect(String((await inbound(away.body.id)).action)).toMatch(/^paused by a person; absence noted/);
    for (let round = 0; round < 10; round += 1) await scenario.advanceToNextWork(30 * DAY);
    expect(await scenario.leadOf(recordId)).toMatchObject({ status: 'paused', resume_at: null });
    expect(backend.smtp.messages).toHaveLength(1);
  });

  it('with notifications off, the polling sweep still sees Email_Opt_Out set in Zoho', async () => {
    await start();
    const { recordId } = await firstEmail();
    const channel = (await value<string>(backend.deps.db, 'SELECT channel_id FROM notification_channels'))!;
    expect((await zoho('DELETE', `/actions/watch?channel_ids=${channel}`)).status).toBe(200);
    expect((await zoho('PUT', `/Contacts/${recordId}`, { data: [{ Email_Opt_Out: true }] })).status).toBe(200);
    await scenario.settle();
    expect((await scenario.leadOf(recordId))!.status).toBe('active');
    backend.sandbox.clock.advance(10 * 60 * 1000);
    await scenario.settle();
    expect(await scenario.leadOf(recordId)).toMatchObject({ status: 'handed_back', state: 'Unsubscribed' });
  });

  it('agreeing to meet hands back as Hot with what the lead wrote and the proposed time', async () => {
    await start();
    const { recordId, mail } = await firstEmail();
    await deliver(replyTo(mail, 'Sounds good. Thursday at 2pm works for me, send an invite.\n\nJane', { at: now() }));
    expect(await scenario.leadOf(recordId)).toMatchObject({ status: 'handed_back', state: 'Hot', last_intent: 'AgreedToMeet' });
    const note = (await scenario.notes('Contacts', recordId)).find((entry) => String(entry.Note_Title).includes('handed this back'));
    const content = String(note?.Note_Content);
    expect(content).toContain('Last understood as AgreedToMeet');
    expect(content).toMatch(/Proposed meeting time: Thursday 14:00 \(\d{4}-\d{2}-\d{2}\)/);
    expect(content).toContain('Next step: Sam Sales confirms the meeting time with the lead.');
    expect((await scenario.record('Contacts', recordId)).Owner.id).toBe(org.repId);
    for (let round = 0; round < 5; round += 1) await scenario.advanceToNextWork();
    expect(backend.smtp.messages).toHaveLength(1);
  });

  it('a request for material gets the brochure link at once, threaded, then the record goes back as Warm', async () => {
    await start({ brochure_url: 'https://acme-energy.test/brochure.pdf' });
    const { recordId, mail } = await firstEmail();
    const reply = replyTo(mail, 'Could you send me a brochure first? I will read it over the weekend.', { at: now() });
    await deliver(reply);
    expect(backend.smtp.messages).toHaveLength(2);
    const brochure = backend.smtp.messages[1]!;
    expect(brochure.body).toContain('https://acme-energy.test/brochure.pdf');
    expect(brochure.headers['in-reply-to']).toMatch(/^<reply-\d+-\d+@prospect\.test>$/);
    expect(brochure.headers['list-unsubscribe']).toMatch(/\/unsubscribe\//);
    expect(await scenario.leadOf(recordId)).toMatchObject({ status: 'handed_back', state: 'Warm' });
    expect(await noteTitles(recordId)).toContain(`Brochure sent: Re: ${mail.headers.subject}`);
  });

  it('the inbound webhook refuses bad input, stores a repeat once, and keeps mail that matches no lead', async () => {
    await start();
    const { mail } = await firstEmail();
    const count = () => value<number>(backend.deps.db, 'SELECT COUNT(*) AS n FROM inbound_messages');
    const wrong = await fetch(`${backend.url}/webhooks/inbound`, { method: 'POST', headers: { authorization: 'Bearer nope' }, body: replyTo(mail, 'Thanks', { at: now() }) });
    expect(wrong.status).toBe(401);
    const junk = await fetch(`${backend.url}/webhooks/inbound`, { method: 'POST', headers: { authorization: `Bearer ${INBOUND_TOKEN}` }, body: 'hello there' });
    expect(junk.status).toBe(400);
    expect((await junk.json()) as unknown).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect(await count()).toBe(0);

    const stranger = ['From: Someone <someone@elsewhere.test>', `To: ${String(scenario.assistant.mailbox_email)}`, 'Subject: Hello', 'Message-ID: <stranger-1@elsewhere.test>', '', 'Do you sell solar panels too?', ''].join('\r\n');
    const first = await deliver(stranger);
    const repeat = await deliver(stranger);
    expect(first.status).toBe(202);
    expect(repeat.body).toMatchObject({ id: first.body.id, duplicate: true });
    expect(await count()).toBe(1);
    const listed = await adminApi('GET', '/inbound?status=unmatched');
    expect(listed.status).toBe(200);
    expect(listed.body.messages).toHaveLength(1);
    expect(listed.body.messages[0]).toMatchObject({ from_address: 'someone@elsewhere.test', status: 'unmatched', intent: 'SeekingMoreInfo' });
    const shown = await adminApi('GET', `/inbound/${String(first.body.id)}`);
    expect(shown.body.text).toContain('solar panels');
  });

  it('a bounce rate over the threshold pauses sending, says so, and an admin resumes it', async () => {
    await start({ bounce_threshold: 0.05 });
    const mails: { recordId: string; mail: CapturedMail }[] = [];
    for (let index = 0; index < 20; index += 1) {
      const recordId = await scenario.contact();
      await scenario.assign('Contacts', recordId, scenario.assistantUserId);
      mails.push({ recordId, mail: undefined as unknown as CapturedMail });
    }
    await scenario.settle();
    for (let round = 0; round < 10 && backend.smtp.messages.length < 20; round += 1) await scenario.advanceToNextWork();
    expect(backend.smtp.messages).toHaveLength(20);
    await deliver(bounceFor(backend.smtp.messages[0]!, { at: now() }));
    let assistant = (await adminApi('GET', `/assistants/${String(scenario.assistant.id)}`)).body;
    expect(assistant.sending_paused_at).toBeNull();
    await deliver(bounceFor(backend.smtp.messages[1]!, { at: now() }));
    assistant = (await adminApi('GET', `/assistants/${String(scenario.assistant.id)}`)).body;
    expect(assistant.sending_paused_reason).toBe('Bounce rate 10.0% (2 of 20 emails in 7 days) is above 5.0%: sending paused until an admin resumes it.');

    // The second emails fall due while sending is paused: they wait (checked again hourly).
    for (let round = 0; round < 6; round += 1) await scenario.advanceToNextWork(10 * DAY);
    expect(await value(backend.deps.db, "SELECT COUNT(*) AS n FROM jobs WHERE kind = 'step' AND status = 'queued' AND last_error LIKE 'sending paused%'")).toBe(18);
    expect(backend.smtp.messages).toHaveLength(20);
    expect((await adminApi('POST', `/assistants/${String(scenario.assistant.id)}/resume-sending`)).status).toBe(200);
    for (let round = 0; round < 20 && backend.smtp.messages.length < 38; round += 1) await scenario.advanceToNextWork(10 * DAY);
    expect(backend.smtp.messages).toHaveLength(38);
  });

  it('a correction from the record widget lifts a misread opt-out, and a similar reply from another lead is then read the corrected way', async () => {
    await start();
    const first = await firstEmail();
    const { body } = await deliver(replyTo(first.mail, "Please take me off this email chain, I've forwarded it to our CFO Dana Reyes.", { at: now() }));
    const lead = (await scenario.leadOf(first.recordId))!;
    expect(await inbound(body.id)).toMatchObject({ intent: 'Unsubscribed' });
    expect(await row(backend.deps.db, 'SELECT reason FROM suppressions WHERE email = ?', lead.email)).toMatchObject({ reason: 'unsubscribed' });
    await scenario.settle();
    expect((await scenario.record('Contacts', first.recordId)).Email_Opt_Out).toBe(true);

    // A salesperson, in the record widget (widget key only): "This was: Referred someone".
    const corrected = await org.api('POST', `/leads/${lead.id}/replies/${body.id}/correction`, { intent: 'ReferredSomeone' });
    expect(corrected.status).toBe(200);
    expect(corrected.body).toMatchObject({ correction: { from: 'Unsubscribed', to: 'ReferredSomeone' } });
    await scenario.settle();
    expect(await row(backend.deps.db, 'SELECT COUNT(*) AS n FROM suppressions WHERE email = ?', lead.email)).toEqual({ n: 0 });
    expect((await scenario.record('Contacts', first.recordId)).Email_Opt_Out).toBe(false);
    expect(await scenario.leadOf(first.recordId)).toMatchObject({ status: 'handed_back', state: 'Responded' });
    expect(await noteTitles(first.recordId)).toContain('Reply reading corrected: ReferredSomeone');
    // Bad input changes nothing.
    expect((await org.api('POST', `/leads/${lead.id}/replies/${body.id}/correction`, { intent: 'Bounce' })).status).toBe(400);
    expect((await org.api('POST', `/leads/${lead.id}/replies/999999/correction`, { intent: 'AgreedToMeet' })).status).toBe(404);

    // Another lead of the same org writes much the same: read the corrected way, nothing suppressed.
    const second = await firstEmail();
    const again = await deliver(replyTo(second.mail, "Please take me off this email chain, I've forwarded it to our COO Sam Ortiz.", { at: now() }));
    expect(await inbound(again.body.id)).toMatchObject({ intent: 'ReferredSomeone' });
    const secondLead = (await scenario.leadOf(second.recordId))!;
    expect(await row(backend.deps.db, 'SELECT COUNT(*) AS n FROM suppressions WHERE email = ?', secondLead.email)).toEqual({ n: 0 });
    expect(secondLead.state).not.toBe('Unsubscribed');
  });
});
