import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestBackend, startTestBackend } from '../helpers/backend-harness.js';
import { connectOrg } from '../helpers/connected-org.js';
import { type Scenario, setUpAssistant } from '../helpers/engine-scenario.js';

let backend: TestBackend;
let scenario: Scenario;
let channel: { channel_id: string; token: string };

beforeAll(async () => {
  backend = await startTestBackend();
  const org = await connectOrg(backend);
  scenario = await setUpAssistant(backend, org);
  const row = backend.deps.db.prepare('SELECT channel_id, org_id, token_sealed FROM notification_channels').get() as { channel_id: string; org_id: string; token_sealed: string };
  channel = { channel_id: row.channel_id, token: backend.deps.cipher.decrypt(row.token_sealed, `${row.org_id}:channel_token`) };
});

afterAll(async () => {
  await backend.stop();
});

const post = (body: unknown) => fetch(`${backend.url}/webhooks/zoho`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
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
    expect([count('inbox'), count('jobs')]).toEqual(before);
  });

  it('commits each delivery before answering, and a redelivery makes no second lead', async () => {
    const recordId = await scenario.contact();
    await scenario.assign('Contacts', recordId, scenario.assistantUserId);
    await backend.sandbox.sandbox.deps.notifier.idle();
    const delivered = backend.sandbox.sandbox.deps.db.prepare('SELECT body FROM deliveries ORDER BY id DESC LIMIT 1').pluck().get() as string;
    const inboxBefore = count('inbox');
    const again = await post(delivered);
    expect(again.status).toBe(200);
    expect(count('inbox')).toBe(inboxBefore + 1);
    await scenario.settle();
    expect(backend.deps.db.prepare('SELECT COUNT(*) FROM leads WHERE zoho_record_id = ?').pluck().get(recordId)).toBe(1);
    const titles = (await scenario.notes('Contacts', recordId)).map((note) => note.Note_Title);
    expect(titles).toEqual(['Nova is on it']);
  });
});
