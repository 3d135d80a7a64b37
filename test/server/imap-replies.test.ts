import { ImapFlow } from 'imapflow';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAILBOX_POLL_MS } from '../../server/src/engine/mailbox.js';
import { leaseHolder } from '../../server/src/db/leases.js';
import { ManualClock } from '../../server/src/lib/clock.js';
import { IDLE_LEASE_MS, MailboxWatcher, idleLeaseName } from '../../server/src/mail/mailbox-watcher.js';
import { type TestBackend, signInAsAdmin } from '../helpers/backend-harness.js';
import type { ConnectedOrg } from '../helpers/connected-org.js';
import { type DovecotServer, startDovecot } from '../helpers/dovecot.js';
import { type Scenario, startWithAssistant } from '../helpers/engine-scenario.js';
import { replyTo } from '../helpers/replies.js';
import { rows, value } from '../helpers/store.js';

const PASSWORD = 'nova-mailbox-password-1';
let dovecot: DovecotServer;
let backend: TestBackend;
let org: ConnectedOrg;
let scenario: Scenario;
let mailboxUser: string;

beforeAll(async () => {
  dovecot = await startDovecot({ users: [{ user: 'nova', password: PASSWORD }, { user: 'other', password: 'other-password-1' }] });
});

afterAll(async () => {
  await dovecot.stop();
});

afterEach(async () => {
  await backend.stop();
});

async function start(user = 'nova'): Promise<void> {
  ({ backend, org, scenario } = await startWithAssistant({ env: { MAILBOX_PRIVATE_HOSTS: 'allow' } }));
  mailboxUser = user;
}

/** Puts a message into the assistant's INBOX over IMAP, as a mail server delivering it would. */
async function deliverToMailbox(raw: string, user = mailboxUser, password = PASSWORD): Promise<void> {
  const client = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user, pass: password }, logger: false });
  await client.connect();
  await client.append('INBOX', raw);
  await client.logout();
}

const mailboxSettings = (password = PASSWORD) => ({ host: dovecot.host, port: dovecot.port, secure: false, user: mailboxUser, password });

describe('reading replies from a real IMAP mailbox (Dovecot on loopback)', () => {
  it('a reply appended to the mailbox is picked up, matched, classified, logged in Zoho and acted on', async () => {
    await start();
    // Mail from before the mailbox was set up is history: it is not read as replies.
    await deliverToMailbox(['From: old@prospect.test', 'To: nova@x.test', 'Subject: old', 'Message-ID: <old-1@prospect.test>', '', 'Please remove me.', ''].join('\r\n'));
    const saved = await org.api('PUT', `/assistants/${String(scenario.assistant.id)}/mailbox`, mailboxSettings());
    expect(saved.status).toBe(200);
    expect(JSON.stringify(saved.body)).not.toContain(PASSWORD);
    // The password is sealed at rest: not in the database file in clear.
    const sealed = (await value<string>(backend.deps.db, 'SELECT mailbox_sealed FROM assistants WHERE id = ?', scenario.assistant.id))!;
    expect(sealed).not.toContain(PASSWORD);

    const recordId = await scenario.contact();
    await scenario.assign('Contacts', recordId, scenario.assistantUserId);
    await scenario.settle();
    for (let round = 0; round < 10 && backend.smtp.messages.length === 0; round += 1) await scenario.advanceToNextWork();
    expect(backend.smtp.messages).toHaveLength(1);
    const mail = backend.smtp.messages[0]!;

    // Mail already in the box before the first reply (a stranger's) is read too, and kept as unmatched.
    await deliverToMailbox(['From: someone@elsewhere.test', `To: ${mail.headers.from}`, 'Subject: hello', 'Message-ID: <stranger@elsewhere.test>', '', 'Hi, who are you?', ''].join('\r\n'));
    await deliverToMailbox(replyTo(mail, 'Happy to talk. How about Tuesday at 10:30am?\n\nJane', { at: backend.sandbox.clock.now() }));

    // The next poll (the mailbox job, on the engine's clock) reads both.
    backend.sandbox.clock.advance(MAILBOX_POLL_MS);
    await scenario.settle();
    const stored = await rows(backend.deps.db, 'SELECT source, status, intent, matched_by FROM inbound_messages ORDER BY id');
    expect(stored).toEqual([
      { source: 'imap', status: 'unmatched', intent: 'Unclassified', matched_by: null },
      { source: 'imap', status: 'processed', intent: 'AgreedToMeet', matched_by: 'thread' },
    ]);
    expect(await scenario.leadOf(recordId)).toMatchObject({ status: 'handed_back', state: 'Hot' });
    const notes = await scenario.notes('Contacts', recordId);
    const reply = notes.find((note) => String(note.Note_Title).startsWith('Reply received'));
    expect(String(reply?.Note_Content)).toContain('Understood as: AgreedToMeet');
    expect(String(reply?.Note_Content)).toContain('How about Tuesday at 10:30am?');
    expect((await scenario.record('Contacts', recordId)).Owner.id).toBe(org.repId);

    // Polling again reads nothing twice.
    backend.sandbox.clock.advance(MAILBOX_POLL_MS);
    await scenario.settle();
    expect(await value(backend.deps.db, 'SELECT COUNT(*) AS n FROM inbound_messages')).toBe(2);
    const { token } = await signInAsAdmin(backend, org.zoho.admin.email);
    const status = await org.api('GET', `/assistants/${String(scenario.assistant.id)}/mailbox`, undefined, { session: token });
    expect(status.body).toMatchObject({ configured: true, host: dovecot.host, user: 'nova', lastError: null });
    expect(status.body.password).toBeUndefined();
  });

  it('IDLE: new mail asks for a poll at once, without waiting for the next one', async () => {
    await start('other');
    expect((await org.api('PUT', `/assistants/${String(scenario.assistant.id)}/mailbox`, { ...mailboxSettings('other-password-1'), user: 'other' })).status).toBe(200);
    const seen: string[] = [];
    const waiters: { count: number; resolve: () => void }[] = [];
    const seenAtLeast = (count: number) => new Promise<void>((resolve) => (seen.length >= count ? resolve() : waiters.push({ count, resolve })));
    const watcher = new MailboxWatcher(backend.deps.db, backend.deps.cipher, backend.deps.logger, (_orgId, assistantId) => {
      seen.push(assistantId);
      for (const waiter of waiters.filter((entry) => seen.length >= entry.count)) waiter.resolve();
    }, true);
    await watcher.refresh();
    try {
      // The first call is the catch-up once connected and idling; then new mail makes the second.
      await seenAtLeast(1);
      await deliverToMailbox(['From: a@b.test', 'To: other@x.test', 'Subject: ping', 'Message-ID: <idle-1@b.test>', '', 'ping', ''].join('\r\n'), 'other', 'other-password-1');
      await seenAtLeast(2);
      expect(seen).toEqual([String(scenario.assistant.id), String(scenario.assistant.id)]);
    } finally {
      await watcher.stop();
    }
  });

  it('several processes: exactly one idles on a mailbox (a lease in the database); when it stalls or dies, another takes over within a minute', async () => {
    await start('other');
    expect((await org.api('PUT', `/assistants/${String(scenario.assistant.id)}/mailbox`, { ...mailboxSettings('other-password-1'), user: 'other' })).status).toBe(200);
    const assistantId = String(scenario.assistant.id);
    const clock = new ManualClock(Date.UTC(2026, 10, 17, 9, 0));
    const seen = { a: 0, b: 0 };
    const waiters: (() => void)[] = [];
    const notify = () => waiters.splice(0).forEach((resolve) => resolve());
    const next = () => new Promise<void>((resolve) => waiters.push(resolve));
    const watcher = (name: 'a' | 'b') =>
      new MailboxWatcher(backend.deps.db, backend.deps.cipher, backend.deps.logger, () => {
        seen[name] += 1;
        notify();
      }, true, { holder: `process-${name}`, clock });
    const a = watcher('a');
    const b = watcher('b');
    try {
      let called = next();
      await a.refresh();
      await b.refresh();
      await called;
      expect({ a: a.holds(assistantId), b: b.holds(assistantId), holder: await leaseHolder(backend.deps.db, idleLeaseName(assistantId), clock.now()) }).toEqual({ a: true, b: false, holder: 'process-a' });
      // A stalls: it renews nothing for longer than the lease. B's next renewal round (every third of the lease) takes it over.
      expect(IDLE_LEASE_MS + IDLE_LEASE_MS / 3).toBeLessThanOrEqual(60_000);
      clock.advance(IDLE_LEASE_MS + 1);
      called = next();
      await b.renew();
      await called;
      expect(b.holds(assistantId)).toBe(true);
      // A wakes up, finds the lease gone and lets its connection go: new mail reaches B alone.
      await a.renew();
      expect(a.holds(assistantId)).toBe(false);
      const before = { ...seen };
      called = next();
      await deliverToMailbox(['From: a@b.test', 'To: other@x.test', 'Subject: ping', 'Message-ID: <idle-lease@b.test>', '', 'ping', ''].join('\r\n'), 'other', 'other-password-1');
      await called;
      expect({ a: seen.a - before.a, b: seen.b - before.b }).toEqual({ a: 0, b: 1 });
      // A clean stop lets the lease go at once, for the next process.
      await b.stop();
      expect(await leaseHolder(backend.deps.db, idleLeaseName(assistantId), clock.now())).toBeNull();
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('wrong mailbox credentials are refused when saved, and nothing is stored', async () => {
    await start();
    const refused = await org.api('PUT', `/assistants/${String(scenario.assistant.id)}/mailbox`, mailboxSettings('wrong-password'));
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: { code: 'MAILBOX_UNREACHABLE' } });
    // One fixed message: the server's own answer is never read back to the caller.
    expect(refused.body.error.message).toBe('Could not sign in to the mailbox with these settings: check the server, port, TLS, user name and password.');
    expect(await value(backend.deps.db, 'SELECT mailbox_sealed FROM assistants WHERE id = ?', scenario.assistant.id)).toBeNull();
    const bad = await org.api('PUT', `/assistants/${String(scenario.assistant.id)}/mailbox`, { host: '', user: 'x' });
    expect(bad.status).toBe(400);
    const widgetOnly = await org.api('PUT', `/assistants/${String(scenario.assistant.id)}/mailbox`, mailboxSettings(), { session: null });
    expect(widgetOnly.status).toBe(403);
  });
});
