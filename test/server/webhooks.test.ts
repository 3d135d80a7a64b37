import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GroupCommit } from '../../server/src/db/group-commit.js';
import type { Db } from '../../server/src/db/store.js';
import type { TestBackend } from '../helpers/backend-harness.js';
import { type Scenario, startWithAssistant } from '../helpers/engine-scenario.js';
import { row, rows, testDialect, testStore, value } from '../helpers/store.js';

let backend: TestBackend;
let scenario: Scenario;
let channel: { channel_id: string; token: string };

beforeAll(async () => {
  ({ backend, scenario } = await startWithAssistant());
  const stored = (await row<{ channel_id: string; org_id: string; token_sealed: string }>(backend.deps.db, 'SELECT channel_id, org_id, token_sealed FROM notification_channels'))!;
  channel = { channel_id: stored.channel_id, token: backend.deps.cipher.decrypt(stored.token_sealed, `${stored.org_id}:channel_token`) };
});

afterAll(async () => {
  await backend.stop();
});

const post = (body: unknown) => fetch(`${backend.url}/webhooks/zoho`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
/**
 * Posts on a connection of its own (the server closes it after refusing an oversized body): with
 * a Content-Length, or `chunked`, in 64 KB pieces with no length (Transfer-Encoding: chunked).
 */
const postAlone = (body: string, chunked = false) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = httpRequest(`${backend.url}/webhooks/zoho`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    request.on('error', reject);
    if (!chunked) return request.end(body);
    for (let at = 0; at < body.length; at += 64 * 1024) request.write(body.slice(at, at + 64 * 1024));
    request.end();
  });
const postChunked = (body: string) => postAlone(body, true);
const count = async (table: string) => (await value<number>(backend.deps.db, `SELECT COUNT(*) AS n FROM ${table}`))!;

describe('POST /webhooks/zoho', () => {
  it('refuses a wrong token, an unknown channel and a malformed body, storing nothing', async () => {
    const before = [await count('inbox'), await count('jobs')];
    const valid = { server_time: 1, module: 'Contacts', ids: ['5725713000000001100'], operation: 'update', channel_id: channel.channel_id, token: channel.token };
    expect((await post({ ...valid, token: 'wrong' })).status).toBe(401);
    expect((await post({ ...valid, token: undefined })).status).toBe(401);
    expect((await post({ ...valid, channel_id: '999' })).status).toBe(401);
    expect((await post('{"not json')).status).toBe(400);
    expect((await post({ ...valid, ids: ['abc'] })).status).toBe(400);
    expect((await post({ ...valid, operation: 'explode' })).status).toBe(400);
    const huge = JSON.stringify({ ...valid, query_params: { pad: 'x'.repeat(300 * 1024) } });
    const tooLarge = await postAlone(huge);
    expect(tooLarge.status).toBe(413);
    expect((JSON.parse(tooLarge.body) as { error: { code: string } }).error.code).toBe('TOO_LARGE');
    // The same body without a length, in chunks: counted as it comes, and refused the same way.
    const chunked = await postChunked(huge);
    expect(chunked.status).toBe(413);
    expect((JSON.parse(chunked.body) as { error: { code: string } }).error.code).toBe('TOO_LARGE');
    expect([await count('inbox'), await count('jobs')]).toEqual(before);
  });

  it('takes a chunked notification (no Content-Length) like any other', async () => {
    const inbox = await count('inbox');
    const response = await postChunked(JSON.stringify({ server_time: 1, module: 'Contacts', ids: ['5725713000000001177'], operation: 'update', channel_id: channel.channel_id, token: channel.token }));
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ received: true, queued: 1 });
    expect(await count('inbox')).toBe(inbox + 1);
  });

  it("keeps the org's last-notification time to the minute (CRM status shows it)", async () => {
    const clock = backend.sandbox.clock;
    const notify = () => post({ server_time: 1, module: 'Contacts', ids: ['5725713000000001188'], operation: 'update', channel_id: channel.channel_id, token: channel.token });
    const lastAt = () => value<number>(backend.deps.db, 'SELECT last_notification_at FROM orgs');
    clock.advance(61_000);
    expect((await notify()).status).toBe(200);
    const marked = clock.now();
    expect(Number(await lastAt())).toBe(marked);
    clock.advance(30_000);
    expect((await notify()).status).toBe(200);
    expect(Number(await lastAt())).toBe(marked);
    clock.advance(31_000);
    expect((await notify()).status).toBe(200);
    expect(Number(await lastAt())).toBe(clock.now());
  });

  it('takes odd but valid shapes in its stride: null affected values, deletes of records we never worked', async () => {
    const base = { server_time: 1, module: 'Contacts', ids: ['5725713000000001100'], channel_id: channel.channel_id, token: channel.token };
    const jobs = await count('jobs');
    const odd = await post({ ...base, operation: 'update', affected_values: [null, 7, { record_id: '5725713000000001100', values: null }] });
    expect(odd.status).toBe(200);
    const deleted = await post({ ...base, operation: 'delete' });
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toEqual({ received: true, queued: 0 });
    // The update may concern an assistant (its new owner is unknown), so it goes to intake; the delete does not.
    expect(await count('jobs')).toBe(jobs + 1);
  });

  it('commits each delivery before answering, and a redelivery makes no second lead', async () => {
    const recordId = await scenario.contact();
    await scenario.assign('Contacts', recordId, scenario.assistantUserId);
    await backend.sandbox.sandbox.deps.notifier.idle();
    const delivered = backend.sandbox.sandbox.deps.db.prepare('SELECT body FROM deliveries ORDER BY id DESC LIMIT 1').pluck().get() as string;
    const inboxBefore = await count('inbox');
    const again = await post(delivered);
    expect(again.status).toBe(200);
    // The first delivery's intake has not run yet and will read the record's current state: no second one is queued.
    expect(((await again.json()) as { queued: number }).queued).toBe(0);
    expect(await count('inbox')).toBe(inboxBefore + 1);
    await scenario.settle();
    expect(await value(backend.deps.db, 'SELECT COUNT(*) AS n FROM leads WHERE zoho_record_id = ?', recordId)).toBe(1);
    const titles = (await scenario.notes('Contacts', recordId)).map((note) => note.Note_Title);
    expect(titles).toEqual(['Nova is on it']);
  });

  it('an assignment to an assistant created a moment ago (its Zoho user not matched yet) still reaches intake', async () => {
    const { backend: fresh, scenario: own } = await startWithAssistant();
    try {
      expect(await value(fresh.deps.db, 'SELECT zoho_user_id FROM assistants')).toBeNull();
      const stored = (await row<{ channel_id: string; org_id: string; token_sealed: string }>(fresh.deps.db, 'SELECT channel_id, org_id, token_sealed FROM notification_channels'))!;
      const recordId = '5725713000000099001';
      // Zoho's callback with return_affected_field_values: the new owner is the assistant's (unmatched) user.
      const response = await fetch(`${fresh.url}/webhooks/zoho`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          channel_id: stored.channel_id,
          token: fresh.deps.cipher.decrypt(stored.token_sealed, `${stored.org_id}:channel_token`),
          module: 'Contacts',
          operation: 'update',
          ids: [recordId],
          affected_values: [{ record_id: recordId, values: { Owner: { id: own.assistantUserId, name: 'Nova Assistant' } } }],
        }),
      });
      expect(await response.json()).toMatchObject({ received: true, queued: 1 });
    } finally {
      await fresh.stop();
    }
  });
});

describe('group commit (concurrent deliveries)', () => {
  const lease = (tx: Db, name: string) => tx.insertInto('leases').values({ name, holder: 'webhook', expires_at: 1 }).execute();

  it(testDialect() === 'sqlite' ? 'writes that arrive together share one transaction, and each caller hears only after the commit' : 'each write is its own transaction, committed before its caller hears (PostgreSQL groups the commits itself)', async () => {
    const store = await testStore();
    try {
      const commit = new GroupCommit(store.db);
      const seen: Db[] = [];
      const write = (name: string) =>
        commit.run(async (tx) => {
          seen.push(tx);
          await lease(tx, name);
          return name;
        });
      const names = await Promise.all(['a', 'b', 'c'].map(write));
      expect(names).toEqual(['a', 'b', 'c']);
      // SQLite: one transaction for the three; PostgreSQL: three, side by side on the pool.
      expect(new Set(seen).size).toBe(testDialect() === 'sqlite' ? 1 : 3);
      expect(seen.every((tx) => tx.isTransaction)).toBe(true);
      expect(await rows(store.db, 'SELECT name FROM leases ORDER BY name')).toEqual([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
    } finally {
      await store.close();
    }
  });

  it('one write that fails fails alone: the others of its batch are stored', async () => {
    const store = await testStore();
    try {
      const commit = new GroupCommit(store.db);
      const outcomes = await Promise.allSettled([
        commit.run((tx) => lease(tx, 'a')),
        commit.run(async (tx) => {
          await lease(tx, 'b');
          throw new Error('this delivery is bad');
        }),
        commit.run((tx) => lease(tx, 'c')),
      ]);
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((outcomes[1] as PromiseRejectedResult).reason).toEqual(new Error('this delivery is bad'));
      expect(await rows(store.db, 'SELECT name FROM leases ORDER BY name')).toEqual([{ name: 'a' }, { name: 'c' }]);
    } finally {
      await store.close();
    }
  });
});
