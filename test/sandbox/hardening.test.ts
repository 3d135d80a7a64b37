import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Json, type SandboxOrg, type TestSandbox, startTestSandbox } from '../helpers/sandbox-client.js';
import { startReceiver } from '../helpers/webhook-receiver.js';

/** Hostile or odd input never crashes the sandbox (no 500) and never crosses orgs. */

let test: TestSandbox;
let org: SandboxOrg;
let token: string;
let contactId: string;

beforeAll(async () => {
  test = await startTestSandbox();
  org = await test.createOrg({ name: 'Hardened' });
  token = (await test.token(org)).access_token;
  contactId = (await test.crm(token, 'POST', '/Contacts', { data: [{ Last_Name: 'Target', Email: 't@hard.test' }] })).body.data[0].details.id;
});

afterAll(async () => {
  await test.stop();
});

const coql = (query: string) => test.crm(token, 'POST', '/coql', { select_query: query });

describe('odd input answers 4xx, never 500', () => {
  it('lookups compared with non-ids, and nesting too deep', async () => {
    expect((await coql("select Last_Name from Contacts where Owner = 'abc'")).body.code).toBe('INVALID_QUERY');
    expect((await coql("select Last_Name from Contacts where Owner in ('x', 1.5)")).body.code).toBe('INVALID_QUERY');
    expect((await test.crm(token, 'GET', `/Contacts/search?criteria=${encodeURIComponent('(Owner:equals:abc)')}`)).body.code).toBe('INVALID_QUERY');
    const deep = `select Last_Name from Contacts where ${'('.repeat(20_000)}`;
    expect((await coql(deep)).status).toBe(400);
    const deepCriteria = `${'('.repeat(5_000)}Email:equals:x${')'.repeat(5_000)}`;
    expect((await test.crm(token, 'GET', `/Contacts/search?criteria=${encodeURIComponent(deepCriteria)}`)).status).toBe(400);
  });

  it('malformed timeline filters, paging values and wrongly typed bodies', async () => {
    for (const filters of ['{"group":5}', '{"group":[null]}', '[]', '{"comparator":"explode"}']) {
      const response = await test.crm(token, 'GET', `/Contacts/${contactId}/__timeline?filters=${encodeURIComponent(filters)}`);
      expect(response.status, filters).toBe(400);
    }
    for (const path of ['/users?per_page=-1', '/users?page=0.5', `/Contacts/${contactId}/Notes?per_page=0`, `/Contacts/${contactId}/__timeline?per_page=abc`]) {
      expect((await test.crm(token, 'GET', path)).status, path).toBe(400);
    }
    for (const body of [{ data: 'x' }, { data: [null, 5, 'x'] }, [], 'null', { data: [{ Last_Name: { nested: true } }] }]) {
      const response = await test.crm(token, 'POST', '/Contacts', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
    expect((await test.crm(token, 'POST', '/actions/watch', { watch: [null] })).status).toBe(400);
    expect((await test.crm(token, 'POST', '/users', { users: [null] })).status).toBe(400);
    expect((await test.crm(token, 'POST', '/coql', { select_query: 42 })).status).toBe(400);
  });

  it('an impossible datetime, a reserved API name and an empty mandatory field', async () => {
    const created = await test.crm(token, 'POST', '/settings/fields?module=Contacts', { fields: [{ field_label: 'Met At', data_type: 'datetime' }] });
    expect(created.status).toBe(201);
    const field = (await test.crm(token, 'GET', `/settings/fields/${created.body.fields[0].details.id}?module=Contacts`)).body.fields[0];
    const impossible = await test.crm(token, 'POST', '/Contacts', { data: [{ Last_Name: 'D', [field.api_name]: '2024-13-45T99:99Z' }] });
    expect(impossible.status).toBe(400);
    expect(impossible.body.data[0]).toMatchObject({ code: 'INVALID_DATA', details: { api_name: field.api_name } });
    const reserved = await test.crm(token, 'POST', '/settings/fields?module=Contacts', { fields: [{ field_label: 'Identifier', api_name: 'id', data_type: 'text' }] });
    expect(reserved.body.fields[0].code).toBe('RESERVED_KEYWORD_NOT_ALLOWED');
    const emptied = await test.crm(token, 'PUT', `/Contacts/${contactId}`, { data: [{ Last_Name: '' }] });
    expect(emptied.body.data[0].code).toBe('MANDATORY_NOT_FOUND');
    expect((await test.crm(token, 'GET', `/Contacts/${contactId}`)).body.data[0].Last_Name).toBe('Target');
  });

  it('broken multipart token requests and unusable duplicate-check fields', async () => {
    const broken = await fetch(`${test.url}/oauth/v2/token`, { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=zz' }, body: 'garbage' });
    expect(broken.status).toBe(200);
    expect(await broken.json()).toEqual({ error: 'invalid_request' });
    const revoke = await fetch(`${test.url}/oauth/v2/token/revoke`, { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=zz' }, body: 'garbage' });
    expect(revoke.status).toBe(400);
    const upsert = await test.crm(token, 'POST', '/Contacts/upsert', { data: [{ Last_Name: 'U' }], duplicate_check_fields: ['Owner'] });
    expect(upsert.body).toMatchObject({ code: 'INVALID_DATA', details: { api_name: 'Owner' } });
  });

  it('an unknown criteria field is refused even when no record would be read', async () => {
    const criteria = encodeURIComponent('((Last_Name:equals:zzz)and(Nope:equals:x))');
    expect((await test.crm(token, 'GET', `/Contacts/search?criteria=${criteria}`)).body.code).toBe('INVALID_QUERY');
    expect((await test.crm(token, 'GET', `/Deals/search?criteria=${encodeURIComponent('(Nope:equals:x)')}`)).body.code).toBe('INVALID_QUERY');
  });

  it('COQL selects, filters and orders by id', async () => {
    const rows = (await coql(`select id, Last_Name from Contacts where id = '${contactId}' order by id desc`)).body.data;
    expect(rows).toEqual([{ id: contactId, Last_Name: 'Target' }]);
  });
});

describe('notification conditions', () => {
  it('refuses a malformed notification_condition, and writes keep working', async () => {
    const receiver = await startReceiver();
    try {
      for (const condition of [5, {}, [{ type: 'field_selection' }]]) {
        const refused = await test.crm(token, 'POST', '/actions/watch', { watch: [{ channel_id: '42', events: ['Contacts.edit'], notify_url: receiver.url, notification_condition: condition }] });
        expect(refused.body.watch[0]).toMatchObject({ code: 'INVALID_DATA', details: { api_name: 'notification_condition' } });
      }
      const accepted = await test.crm(token, 'POST', '/actions/watch', { watch: [{ channel_id: '42', events: ['Contacts.edit'], notify_url: receiver.url, notification_condition: null }] });
      expect(accepted.status).toBe(201);
      expect((await test.crm(token, 'PUT', `/Contacts/${contactId}`, { data: [{ Title: 'Still fine' }] })).status).toBe(200);
      const missingEvents = await test.crm(token, 'PATCH', '/actions/watch', { watch: [{ channel_id: '42', _delete_events: true }] });
      expect(missingEvents.body.watch[0]).toMatchObject({ code: 'MANDATORY_NOT_FOUND', details: { api_name: 'events' } });
      await test.sandbox.deps.notifier.idle();
      expect(receiver.calls).toHaveLength(1);
    } finally {
      await test.crm(token, 'DELETE', '/actions/watch?channel_ids=42');
      await receiver.close();
    }
  });

  it('sends one callback per upsert call, carrying every id it touched', async () => {
    const receiver = await startReceiver();
    try {
      await test.crm(token, 'POST', '/actions/watch', { watch: [{ channel_id: '43', events: ['Leads.all'], notify_url: receiver.url }] });
      const upsert = await test.crm(token, 'POST', '/Leads/upsert', {
        data: [
          { Last_Name: 'A', Company: 'X', Email: 'a@up.test' },
          { Last_Name: 'B', Company: 'X', Email: 'b@up.test' },
          { Last_Name: 'C', Company: 'X', Email: 'a@up.test' },
        ],
      });
      expect(upsert.body.data.map((entry: Json) => entry.action)).toEqual(['insert', 'insert', 'update']);
      await test.sandbox.deps.notifier.idle();
      const operations = receiver.calls.map((call) => [(call.body as Json).operation, (call.body as Json).ids.length]);
      expect(operations).toEqual([
        ['insert', 2],
        ['update', 1],
      ]);
    } finally {
      await test.crm(token, 'DELETE', '/actions/watch?channel_ids=43');
      await receiver.close();
    }
  });
});

describe('tenant isolation over HTTP', () => {
  it("another org's token finds none of this org's records, notes or timeline", async () => {
    const other = await test.createOrg({ name: 'Neighbour' });
    const otherToken = (await test.token(other)).access_token;
    const calls: [string, string, unknown?][] = [
      ['GET', `/Contacts/${contactId}`],
      ['PUT', `/Contacts/${contactId}`, { data: [{ Title: 'Hijacked' }] }],
      ['DELETE', `/Contacts/${contactId}`],
      ['GET', `/Contacts/${contactId}/Notes`],
      ['POST', `/Contacts/${contactId}/Notes`, { data: [{ Note_Content: 'x' }] }],
      ['GET', `/Contacts/${contactId}/__timeline`],
      ['POST', `/Contacts/${contactId}/actions/change_owner`, { owner: { id: other.admin.id } }],
      ['POST', '/Deals', { data: [{ Deal_Name: 'D', Stage: 'Qualification', Contact_Name: { id: contactId } }] }],
      ['GET', `/users/${org.admin.id}`],
    ];
    for (const [method, path, body] of calls) {
      const response = await test.crm(otherToken, method, path, body);
      expect(response.status, `${method} ${path}`).toBe(400);
      expect(JSON.stringify(response.body), `${method} ${path}`).toContain('INVALID_DATA');
    }
    expect((await test.crm(otherToken, 'POST', '/coql', { select_query: "select Last_Name from Contacts where Last_Name is not null" })).status).toBe(204);
    const mine = (await test.crm(token, 'GET', `/Contacts/${contactId}`)).body.data[0];
    expect(mine.Title).not.toBe('Hijacked');
  });
});

describe('limits under parallel calls', () => {
  it('parallel calls cannot all spend the last credits', async () => {
    const tight = await test.createOrg({ name: 'Tight', limits: { credits_per_day: 5, concurrency: 100 } });
    const tightToken = (await test.token(tight)).access_token;
    await test.admin('POST', '/sandbox/faults', { method: 'POST', path: '/crm/v8/Contacts', delay_ms: 100, count: 15 });
    const batch = Array.from({ length: 100 }, (_, i) => ({ Last_Name: `P${i}` }));
    const results = await Promise.all(Array.from({ length: 15 }, () => test.crm(tightToken, 'POST', '/Contacts', { data: batch })));
    await test.admin('DELETE', '/sandbox/faults');
    const statuses = results.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(10);
  });
});
