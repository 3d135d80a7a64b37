import { afterEach, describe, expect, it } from 'vitest';
import { pruneOrg } from '../../server/src/engine/retention.js';
import type { TestBackend } from '../helpers/backend-harness.js';
import { startWithAssistant } from '../helpers/engine-scenario.js';
import { row, rows, run, value } from '../helpers/store.js';

let backend: TestBackend | undefined;

afterEach(async () => {
  await backend?.stop();
  backend = undefined;
});

const DAY = 24 * 60 * 60 * 1000;

describe('retention', () => {
  it('empties raw inbound mail past RETENTION_RAW_MAIL_DAYS and deletes old notification bodies, keeping the log and everything newer', async () => {
    ({ backend } = await startWithAssistant({ env: { RETENTION_RAW_MAIL_DAYS: '30', RETENTION_INBOX_DAYS: '7', RETENTION_DONE_JOBS_DAYS: '10' } }));
    const db = backend.deps.db;
    const orgId = (await value<string>(db, 'SELECT id FROM orgs'))!;
    const now = backend.deps.engine.deps.clock.now();
    const insert = (key: string, raw: Buffer, receivedAt: number, status: string) =>
      run(db, "INSERT INTO inbound_messages (org_id, source, dedupe_key, subject, raw, received_at, status, intent) VALUES (?, 'webhook', ?, 'Re: hi', ?, ?, ?, 'AgreedToMeet')", orgId, key, raw, receivedAt, status);
    await insert('old', Buffer.from('From: a@b.test\r\n\r\nold words'), now - 31 * DAY, 'processed');
    await insert('new', Buffer.from('From: a@b.test\r\n\r\nnew words'), now - 29 * DAY, 'processed');
    await insert('waiting', Buffer.from('From: a@b.test\r\n\r\nnot read yet'), now - 40 * DAY, 'received');
    await run(db, "INSERT INTO inbox (org_id, channel_id, received_at, body) VALUES (?, 'c', ?, 'old'), (?, 'c', ?, 'new')", orgId, now - 8 * DAY, orgId, now - DAY);
    const job = (key: string, status: string, updatedAt: number) =>
      run(db, "INSERT INTO jobs (org_id, kind, job_key, payload, status, run_at, max_attempts, created_at, updated_at) VALUES (?, 'reply', ?, '{}', ?, 0, 1, 0, ?)", orgId, key, status, updatedAt);
    await job('reply:old', 'done', now - 11 * DAY);
    await job('reply:recent', 'done', now - 9 * DAY);
    await job('reply:failed-old', 'failed', now - 11 * DAY);
    expect(await pruneOrg(backend.deps.engine.deps, orgId)).toEqual({ rawMail: 1, inbox: 1, jobs: 1, deliveries: 0 });
    expect((await rows<{ job_key: string }>(db, "SELECT job_key FROM jobs WHERE job_key LIKE 'reply:%' ORDER BY job_key")).map((entry) => entry.job_key)).toEqual(['reply:failed-old', 'reply:recent']);
    const messages = await rows(db, 'SELECT dedupe_key, length(raw) AS bytes, intent FROM inbound_messages WHERE org_id = ? ORDER BY id', orgId);
    expect(messages).toEqual([
      { dedupe_key: 'old', bytes: 0, intent: 'AgreedToMeet' },
      { dedupe_key: 'new', bytes: 27, intent: 'AgreedToMeet' },
      { dedupe_key: 'waiting', bytes: 30, intent: 'AgreedToMeet' },
    ]);
    expect(await rows(db, 'SELECT body FROM inbox WHERE org_id = ?', orgId)).toEqual([{ body: 'new' }]);
    // Running it again prunes nothing more.
    expect(await pruneOrg(backend.deps.engine.deps, orgId)).toEqual({ rawMail: 0, inbox: 0, jobs: 0, deliveries: 0 });
  });

  it("empties delivered notes and record updates past RETENTION_DONE_JOBS_DAYS, keeping their rows, and keeps every email's", async () => {
    let scenario;
    ({ backend, scenario } = await startWithAssistant({ env: { RETENTION_DONE_JOBS_DAYS: '10' } }));
    const db = backend.deps.db;
    const recordId = await scenario.contact();
    await scenario.assign('Contacts', recordId, scenario.assistantUserId);
    await scenario.settle();
    // The first email goes out at its time, and its note and status update with it.
    for (let turn = 0; turn < 5 && !(await row(db, "SELECT 1 AS one FROM outbox WHERE kind = 'email' AND status = 'done'")); turn += 1) await scenario.advanceToNextWork();
    await scenario.drain();
    const orgId = (await value<string>(db, 'SELECT id FROM orgs'))!;
    const done = await rows<{ id: number; kind: string }>(db, "SELECT id, kind FROM outbox WHERE org_id = ? AND status = 'done' ORDER BY id", orgId);
    const kinds = new Set(done.map((row) => row.kind));
    expect(kinds.has('email') && kinds.has('note') && kinds.has('update'), JSON.stringify(done)).toBe(true);
    // Everything delivered 11 days ago but the last note.
    const now = backend.deps.engine.deps.clock.now();
    const lastNote = done.filter((entry) => entry.kind === 'note').at(-1)!.id;
    await run(db, 'UPDATE outbox SET done_at = ? WHERE org_id = ? AND id <> ?', now - 11 * DAY, orgId, lastNote);
    const old = done.filter((entry) => entry.kind !== 'email' && entry.id !== lastNote).length;
    expect(await pruneOrg(backend.deps.engine.deps, orgId)).toMatchObject({ deliveries: old });
    const outbox = await rows<{ id: number; kind: string; payload: string; idempotency_key: string }>(db, 'SELECT id, kind, payload, idempotency_key FROM outbox WHERE org_id = ? ORDER BY id', orgId);
    expect(outbox.length).toBe(done.length);
    for (const entry of outbox) {
      if (entry.kind === 'email' || entry.id === lastNote) expect(JSON.parse(entry.payload), entry.idempotency_key).not.toEqual({});
      else expect(JSON.parse(entry.payload), entry.idempotency_key).toEqual({});
    }
    expect(await pruneOrg(backend.deps.engine.deps, orgId)).toMatchObject({ deliveries: 0 });
  });
});
