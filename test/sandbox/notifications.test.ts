import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Json, type SandboxOrg, type TestSandbox, startTestSandbox } from '../helpers/sandbox-client.js';
import { startReceiver } from '../helpers/webhook-receiver.js';

let test: TestSandbox;
let org: SandboxOrg;
let token: string;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let rep: { id: string };

beforeEach(async () => {
  test = await startTestSandbox();
  receiver = await startReceiver();
  org = await test.createOrg({
    name: 'Notify Inc',
    users: [
      { first_name: 'Ada', last_name: 'Admin', email: 'ada@notify.test', profile: 'Administrator' },
      { first_name: 'Rex', last_name: 'Rep', email: 'rex@notify.test' },
    ],
  });
  rep = org.users.find((user) => user.email === 'rex@notify.test')!;
  token = (await test.token(org)).access_token;
});

afterEach(async () => {
  await test.stop();
  await receiver.close();
});

async function subscribe(watch: Json) {
  return test.crm(token, 'POST', '/actions/watch', { watch: [{ channel_id: '1000000068001', notify_url: `${receiver.url}/hooks/zoho?tenant=t1`, token: 'verify-me', ...watch }] });
}

async function contact(): Promise<string> {
  const created = await test.crm(token, 'POST', '/Contacts', { data: [{ Last_Name: 'Watched' }] });
  return created.body.data[0].details.id;
}

describe('notifications (watch)', () => {
  it('delivers an owner change to a Contacts.edit channel within one second, with Zoho\'s body', async () => {
    const id = await contact();
    const enabled = await subscribe({ events: ['Contacts.edit'], return_affected_field_values: true });
    expect(enabled.status).toBe(201);
    expect(enabled.body.watch[0]).toMatchObject({ code: 'SUCCESS', status: 'success', details: { events: [{ resource_name: 'Contacts', channel_id: '1000000068001' }] } });

    const change = await test.crm(token, 'POST', `/Contacts/${id}/actions/change_owner`, { owner: { id: rep.id } });
    expect(change.status).toBe(200);
    await receiver.waitFor(1, 1_000);

    const [call] = receiver.calls;
    expect(call!.path).toBe('/hooks/zoho?tenant=t1');
    expect(call!.headers['content-type']).toContain('application/json');
    expect(call!.body).toEqual({
      server_time: test.clock.now(),
      query_params: { tenant: 't1' },
      module: 'Contacts',
      resource_uri: `${test.url}/crm/v2/Contacts`,
      ids: [id],
      affected_fields: [{ [id]: ['Owner'] }],
      affected_values: [{ record_id: id, values: { Owner: { name: 'Rex Rep', id: rep.id } } }],
      operation: 'update',
      channel_id: '1000000068001',
      token: 'verify-me',
    });
    await test.sandbox.deps.notifier.idle();
    const deliveries = await test.admin<{ deliveries: Json[] }>('GET', `/sandbox/orgs/${org.org_id}/deliveries`);
    expect(deliveries.body.deliveries).toEqual([expect.objectContaining({ channel_id: '1000000068001', status: 200, response_body: 'ok', error: null })]);
  });

  it('sends nothing to an expired channel', async () => {
    const id = await contact();
    await subscribe({ events: ['Contacts.all'], channel_expiry: new Date(test.clock.now() + 10 * 60 * 1000).toISOString() });
    test.clock.advance(10 * 60 * 1000);
    const change = await test.crm(token, 'PUT', `/Contacts/${id}`, { data: [{ Owner: { id: rep.id } }] });
    expect(change.status).toBe(200);
    await test.sandbox.deps.notifier.idle();
    expect(receiver.calls).toHaveLength(0);
    expect((await test.admin<{ deliveries: Json[] }>('GET', `/sandbox/orgs/${org.org_id}/deliveries`)).body.deliveries).toEqual([]);
    expect((await test.crm(token, 'GET', '/actions/watch')).status).toBe(204);
  });

  it('honours events, notification_condition and renewal', async () => {
    const id = await contact();
    const expiry = new Date(test.clock.now() + 2 * 60 * 60 * 1000).toISOString();
    await subscribe({
      events: ['Contacts.edit', 'Leads.create'],
      channel_expiry: expiry,
      notification_condition: [{ type: 'field_selection', module: { api_name: 'Contacts' }, field_selection: { group_operator: 'or', group: [{ field: { api_name: 'Owner' } }] } }],
    });
    await test.crm(token, 'PUT', `/Contacts/${id}`, { data: [{ Title: 'Not the owner' }] });
    await test.crm(token, 'POST', '/Accounts', { data: [{ Account_Name: 'Unwatched' }] });
    await test.crm(token, 'POST', '/Leads', { data: [{ Last_Name: 'New', Company: 'Lead Co' }] });
    await test.sandbox.deps.notifier.idle();
    expect(receiver.calls.map((call) => (call.body as Json).operation)).toEqual(['insert']);
    expect((receiver.calls[0]!.body as Json).affected_fields).toEqual([]);

    const listed = await test.crm(token, 'GET', '/actions/watch?module=Contacts');
    expect(listed.body.watch[0]).toMatchObject({ channel_id: '1000000068001', events: ['Contacts.edit'], token: 'verify-me' });
    expect(Date.parse(listed.body.watch[0].channel_expiry)).toBe(Math.floor(Date.parse(expiry) / 1000) * 1000);

    // Beyond one week Zoho falls back to its one-hour default.
    const tooLong = new Date(test.clock.now() + 8 * 24 * 60 * 60 * 1000).toISOString();
    await test.crm(token, 'PATCH', '/actions/watch', { watch: [{ channel_id: '1000000068001', channel_expiry: tooLong }] });
    const renewed = await test.crm(token, 'GET', '/actions/watch?channel_id=1000000068001');
    expect(Date.parse(renewed.body.watch[0].channel_expiry)).toBe(Math.floor((test.clock.now() + 60 * 60 * 1000) / 1000) * 1000);

    const removed = await test.crm(token, 'PATCH', '/actions/watch', { watch: [{ channel_id: '1000000068001', events: ['Leads.create'], _delete_events: true }] });
    expect(removed.body.watch[0].message).toBe('Successfully removed the subscribe details');
    const disabled = await test.crm(token, 'DELETE', '/actions/watch?channel_ids=1000000068001');
    expect(disabled.body.watch[0]).toMatchObject({ code: 'SUCCESS', details: { channel_id: '1000000068001' } });
    expect((await test.crm(token, 'GET', '/actions/watch')).status).toBe(204);
  });

  it('refuses bad subscriptions', async () => {
    const missing = await test.crm(token, 'POST', '/actions/watch', { watch: [{ channel_id: '1', events: ['Contacts.edit'] }] });
    expect(missing.status).toBe(400);
    expect(missing.body.watch[0]).toMatchObject({ code: 'MANDATORY_NOT_FOUND', details: { api_name: 'notify_url' } });
    const longToken = await subscribe({ events: ['Contacts.edit'], token: 'x'.repeat(51) });
    expect(longToken.body.watch[0]).toMatchObject({ code: 'INVALID_DATA', details: { api_name: 'token' } });
    const badEvent = await subscribe({ events: ['Spaceships.edit'] });
    expect(badEvent.body.watch[0].details.api_name).toBe('events');
    expect((await test.crm(token, 'GET', '/actions/watch')).status).toBe(204);
  });

  it('records a failed delivery without losing the write', async () => {
    await test.crm(token, 'POST', '/actions/watch', { watch: [{ channel_id: '77', events: ['Contacts.create'], notify_url: 'http://127.0.0.1:9/nothing-listens' }] });
    const created = await test.crm(token, 'POST', '/Contacts', { data: [{ Last_Name: 'Still saved' }] });
    expect(created.status).toBe(201);
    await test.sandbox.deps.notifier.idle();
    const [delivery] = (await test.admin<{ deliveries: Json[] }>('GET', `/sandbox/orgs/${org.org_id}/deliveries`)).body.deliveries;
    expect(delivery).toMatchObject({ channel_id: '77', status: null });
    expect(delivery.error).toBeTruthy();
  });
});
