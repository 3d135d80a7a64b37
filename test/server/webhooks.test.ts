import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBackend } from '../helpers/backend-harness.js';
import { type Scenario, startWithAssistant } from '../helpers/engine-scenario.js';

let backend: TestBackend;
let scenario: Scenario;
let channel: { channel_id: string; token: string };

beforeAll(async () => {
  ({ backend, scenario } = await startWithAssistant());
  const row = backend.deps.db.prepare('SELECT channel_id, org_id, token_sealed FROM notification_channels').get() as { channel_id: string; org_id: string; token_sealed: string };
  channel = { channel_id: row.channel_id, token: backend.deps.cipher.decrypt(row.token_sealed, `${row.org_id}:channel_token`) };
});

afterAll(async () => {
  await backend.stop();
});

const post = (body: unknown) => fetch(`${backend.url}/webhooks/zoho`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
/** Posts on a connection of its own: the server closes it after refusing an oversized body. */
const postAlone = (body: string) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = httpRequest(`${backend.url}/webhooks/zoho`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    request.on('error', reject);
    request.end(body);
  });
const count = (table: string) => backend.deps.db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;

describe('POST /webhooks/zoho', () => {
  it('refuses a wrong token, an unknown channel and a malformed body, storing nothing', async () => {
    const before = [count('inbox'), count('jobs')];
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
    expect([count('inbox'), count('jobs')]).toEqual(before);
  });

  it('takes odd but valid shapes in its stride: null affected values, deletes of records we never worked', async () => {
    const base = { server_time: 1, module: 'Contacts', ids: ['5725713000000001100'], channel_id: channel.channel_id, token: channel.token };
    const jobs = count('jobs');
    const odd = await post({ ...base, operation: 'update', affected_values: [null, 7, { record_id: '5725713000000001100', values: null }] });
    expect(odd.status).toBe(200);
    const deleted = await post({ ...base, operation: 'delete' });
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toEqual({ received: true, queued: 0 });
    // The update may concern an assistant (its new owner is unknown), so it goes to intake; the delete does not.
    expect(count('jobs')).toBe(jobs + 1);
  });

  it('commits each delivery before answering, and a redelivery makes no second lead', async () => {
    const recordId = await scenario.contact();
    await scenario.assign('Contacts', recordId, scenario.assistantUserId);
    await backend.sandbox.sandbox.deps.notifier.idle();
    const delivered = backend.sandbox.sandbox.deps.db.prepare('SELECT body FROM deliveries ORDER BY id DESC LIMIT 1').pluck().get() as string;
    const inboxBefore = count('inbox');
    const again = await post(delivered);
    expect(again.status).toBe(200);
    // The first delivery's intake has not run yet and will read the record's current state: no second one is queued.
    expect(((await again.json()) as { queued: number }).queued).toBe(0);
    expect(count('inbox')).toBe(inboxBefore + 1);
    await scenario.settle();
    expect(backend.deps.db.prepare('SELECT COUNT(*) FROM leads WHERE zoho_record_id = ?').pluck().get(recordId)).toBe(1);
    const titles = (await scenario.notes('Contacts', recordId)).map((note) => note.Note_Title);
    expect(titles).toEqual(['Nova is on it']);
  });

  it('an assignment to an assistant created a moment ago (its Zoho user not matched yet) still reaches intake', async () => {
    const { backend: fresh, scenario: own } = await startWithAssistant();
    try {
      expect(fresh.deps.db.prepare('SELECT zoho_user_id FROM assistants').pluck().get()).toBeNull();
      const row = fresh.deps.db.prepare('SELECT channel_id, org_id, token_sealed FROM notification_channels').get() as { channel_id: string; org_id: string; token_sealed: string };
      const recordId = '5725713000000099001';
      // Zoho's callback with return_affected_field_values: the new owner is the assistant's (unmatched) user.
      const response = await fetch(`${fresh.url}/webhooks/zoho`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          channel_id: row.channel_id,
          token: fresh.deps.cipher.decrypt(row.token_sealed, `${row.org_id}:channel_token`),
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
