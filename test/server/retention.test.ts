import { afterEach, describe, expect, it } from 'vitest';
import { pruneOrg } from '../../server/src/engine/retention.js';
import type { TestBackend } from '../helpers/backend-harness.js';
import { startWithAssistant } from '../helpers/engine-scenario.js';

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
    const orgId = (db.prepare('SELECT id FROM orgs').get() as { id: string }).id;
    const now = backend.deps.engine.deps.clock.now();
    const insert = db.prepare("INSERT INTO inbound_messages (org_id, source, dedupe_key, subject, raw, received_at, status, intent) VALUES (?, 'webhook', ?, 'Re: hi', ?, ?, ?, 'AgreedToMeet')");
    insert.run(orgId, 'old', Buffer.from('From: a@b.test\r\n\r\nold words'), now - 31 * DAY, 'processed');
    insert.run(orgId, 'new', Buffer.from('From: a@b.test\r\n\r\nnew words'), now - 29 * DAY, 'processed');
    insert.run(orgId, 'waiting', Buffer.from('From: a@b.test\r\n\r\nnot read yet'), now - 40 * DAY, 'received');
    db.prepare("INSERT INTO inbox (org_id, channel_id, received_at, body) VALUES (?, 'c', ?, 'old'), (?, 'c', ?, 'new')").run(orgId, now - 8 * DAY, orgId, now - DAY);
    const jobs = db.prepare("INSERT INTO jobs (org_id, kind, job_key, payload, status, run_at, max_attempts, created_at, updated_at) VALUES (?, 'reply', ?, '{}', ?, 0, 1, 0, ?)");
    jobs.run(orgId, 'reply:old', 'done', now - 11 * DAY);
    jobs.run(orgId, 'reply:recent', 'done', now - 9 * DAY);
    jobs.run(orgId, 'reply:failed-old', 'failed', now - 11 * DAY);
    expect(pruneOrg(backend.deps.engine.deps, orgId)).toEqual({ rawMail: 1, inbox: 1, jobs: 1, deliveries: 0 });
    expect(db.prepare("SELECT job_key FROM jobs WHERE job_key LIKE 'reply:%' ORDER BY job_key").pluck().all()).toEqual(['reply:failed-old', 'reply:recent']);
    const rows = db.prepare('SELECT dedupe_key, length(raw) AS bytes, intent FROM inbound_messages WHERE org_id = ? ORDER BY id').all(orgId);
    expect(rows).toEqual([
      { dedupe_key: 'old', bytes: 0, intent: 'AgreedToMeet' },
      { dedupe_key: 'new', bytes: 27, intent: 'AgreedToMeet' },
      { dedupe_key: 'waiting', bytes: 30, intent: 'AgreedToMeet' },
    ]);
    expect(db.prepare('SELECT body FROM inbox WHERE org_id = ?').all(orgId)).toEqual([{ body: 'new' }]);
    // Running it again prunes nothing more.
    expect(pruneOrg(backend.deps.engine.deps, orgId)).toEqual({ rawMail: 0, inbox: 0, jobs: 0, deliveries: 0 });
  });

  it("empties delivered notes and record updates past RETENTION_DONE_JOBS_DAYS, keeping their rows, and keeps every email's", async () => {
    let scenario;
    ({ backend, scenario } = await startWithAssistant({ env: { RETENTION_DONE_JOBS_DAYS: '10' } }));
    const db = backend.deps.db;
    const recordId = await scenario.contact();
    await scenario.assign('Contacts', recordId, scenario.assistantUserId);
    await scenario.settle();
    // The first email goes out at its time, and its note and status update with it.
    for (let turn = 0; turn < 5 && !(backend.deps.db.prepare("SELECT 1 FROM outbox WHERE kind = 'email' AND status = 'done'").get()); turn += 1) await scenario.advanceToNextWork();
    await scenario.drain();
    const orgId = (db.prepare('SELECT id FROM orgs').get() as { id: string }).id;
    const done = db.prepare("SELECT id, kind FROM outbox WHERE org_id = ? AND status = 'done' ORDER BY id").all(orgId) as { id: number; kind: string }[];
    const kinds = new Set(done.map((row) => row.kind));
    expect(kinds.has('email') && kinds.has('note') && kinds.has('update'), JSON.stringify(done)).toBe(true);
    // Everything delivered 11 days ago but the last note.
    const now = backend.deps.engine.deps.clock.now();
    const lastNote = done.filter((row) => row.kind === 'note').at(-1)!.id;
    db.prepare('UPDATE outbox SET done_at = ? WHERE org_id = ? AND id <> ?').run(now - 11 * DAY, orgId, lastNote);
    const old = done.filter((row) => row.kind !== 'email' && row.id !== lastNote).length;
    expect(pruneOrg(backend.deps.engine.deps, orgId)).toMatchObject({ deliveries: old });
    const rows = db.prepare('SELECT id, kind, payload, idempotency_key FROM outbox WHERE org_id = ? ORDER BY id').all(orgId) as { id: number; kind: string; payload: string; idempotency_key: string }[];
    expect(rows.length).toBe(done.length);
    for (const row of rows) {
      if (row.kind === 'email' || row.id === lastNote) expect(JSON.parse(row.payload), row.idempotency_key).not.toEqual({});
      else expect(JSON.parse(row.payload), row.idempotency_key).toEqual({});
    }
    expect(pruneOrg(backend.deps.engine.deps, orgId)).toMatchObject({ deliveries: 0 });
  });
});
