import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Json, type SandboxOrg, type TestSandbox, startTestSandbox } from '../helpers/sandbox-client.js';

let test: TestSandbox;
let org: SandboxOrg;
let token: string;
let rep: { id: string; email: string };

beforeEach(async () => {
  test = await startTestSandbox();
  org = await test.createOrg({
    name: 'Records Co',
    extension_fields: true,
    users: [
      { first_name: 'Ada', last_name: 'Admin', email: 'ada@records.test', profile: 'Administrator' },
      { first_name: 'Rex', last_name: 'Rep', email: 'rex@records.test' },
    ],
  });
  rep = org.users.find((user) => user.email === 'rex@records.test')!;
  token = (await test.token(org)).access_token;
});

afterEach(async () => {
  await test.stop();
});

async function insert(module: string, data: Json[]): Promise<string[]> {
  const response = await test.crm(token, 'POST', `/${module}`, { data });
  expect(response.status).toBe(201);
  return response.body.data.map((entry: Json) => entry.details.id as string);
}

async function coql(query: string): Promise<Json[]> {
  const response = await test.crm(token, 'POST', '/coql', { select_query: query });
  if (response.status === 204) return [];
  expect(response.status).toBe(200);
  return response.body.data;
}

describe('records', () => {
  it('pages with page and page_token, and stops discrete paging at 2000', async () => {
    const ids = await insert('Leads', Array.from({ length: 5 }, (_, i) => ({ Last_Name: `Lead ${i}`, Company: 'Co' })));
    const first = await test.crm(token, 'GET', '/Leads?fields=Last_Name&per_page=2&sort_order=asc');
    expect(first.body.data.map((row: Json) => row.id)).toEqual(ids.slice(0, 2));
    expect(first.body.info).toMatchObject({ per_page: 2, count: 2, page: 1, more_records: true });
    expect(Object.keys(first.body.data[0]).sort()).toEqual(['Last_Name', 'id']);
    const second = await test.crm(token, 'GET', `/Leads?fields=Last_Name&per_page=2&sort_order=asc&page_token=${first.body.info.next_page_token}`);
    expect(second.body.data.map((row: Json) => row.id)).toEqual(ids.slice(2, 4));
    const mismatch = await test.crm(token, 'GET', `/Leads?fields=Email&per_page=2&sort_order=asc&page_token=${first.body.info.next_page_token}`);
    expect(mismatch.body.code).toBe('TOKEN_BOUND_DATA_MISMATCH');
    const page3 = await test.crm(token, 'GET', '/Leads?fields=Last_Name&per_page=2&page=3&sort_order=asc');
    expect(page3.body.data.map((row: Json) => row.id)).toEqual(ids.slice(4));
    expect(page3.body.info.more_records).toBe(false);
    expect((await test.crm(token, 'GET', '/Leads?fields=Last_Name&page=11')).body.code).toBe('DISCRETE_PAGINATION_LIMIT_EXCEEDED');
    expect((await test.crm(token, 'GET', '/Deals?fields=Deal_Name')).status).toBe(204);
  });

  it('maintains Created/Modified By and Time and answers Owner as {name, id, email}', async () => {
    const [id] = await insert('Contacts', [{ Last_Name: 'Audit', Owner: { id: rep.id } }]);
    test.clock.advance(5_000);
    await test.crm(token, 'PUT', `/Contacts/${id}`, { data: [{ Title: 'VP' }] });
    const record = (await test.crm(token, 'GET', `/Contacts/${id}`)).body.data[0];
    expect(record.Owner).toEqual({ name: 'Rex Rep', id: rep.id, email: 'rex@records.test' });
    expect(record.Created_By.id).toBe(org.admin.id);
    expect(record.Modified_By.email).toBe('ada@records.test');
    expect(Date.parse(record.Modified_Time) - Date.parse(record.Created_Time)).toBe(5_000);
    expect(record.Created_Time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/);
  });

  it('upserts by duplicate_check_fields: inserts once, then updates', async () => {
    const body = { data: [{ Last_Name: 'Up', Email: 'up@sert.test', Title: 'First' }], duplicate_check_fields: ['Email'] };
    const first = await test.crm(token, 'POST', '/Contacts/upsert', body);
    expect(first.body.data[0]).toMatchObject({ code: 'SUCCESS', action: 'insert', duplicate_field: null });
    const second = await test.crm(token, 'POST', '/Contacts/upsert', { ...body, data: [{ ...body.data[0], Title: 'Second' }] });
    expect(second.body.data[0]).toMatchObject({ code: 'SUCCESS', action: 'update', duplicate_field: 'Email' });
    expect(second.body.data[0].details.id).toBe(first.body.data[0].details.id);
    expect(await coql("select Title from Contacts where Email = 'up@sert.test'")).toEqual([{ Title: 'Second', id: first.body.data[0].details.id }]);
  });

  it('deletes by id and by ids', async () => {
    const ids = await insert('Accounts', [{ Account_Name: 'A' }, { Account_Name: 'B' }, { Account_Name: 'C' }]);
    expect((await test.crm(token, 'DELETE', `/Accounts/${ids[0]}`)).body.data[0]).toMatchObject({ code: 'SUCCESS', details: { id: ids[0] } });
    const bulk = await test.crm(token, 'DELETE', `/Accounts?ids=${ids[1]},${ids[2]}`);
    expect(bulk.body.data.map((entry: Json) => entry.message)).toEqual(['record deleted', 'record deleted']);
    expect((await test.crm(token, 'GET', `/Accounts/${ids[0]}`)).status).toBe(400);
    expect((await test.crm(token, 'GET', '/Accounts?fields=Account_Name')).status).toBe(204);
  });

  it('changes owners by update and by actions/change_owner, and the timeline keeps old and new', async () => {
    const [id, other] = await insert('Leads', [{ Last_Name: 'Owned', Company: 'X' }, { Last_Name: 'Mass', Company: 'Y' }]);
    const single = await test.crm(token, 'POST', `/Leads/${id}/actions/change_owner`, { owner: { id: rep.id }, notify: true });
    expect(single.body.data[0]).toEqual({ code: 'SUCCESS', details: { id }, message: 'owner is successfully updated', status: 'success' });
    test.clock.advance(1_000);
    await test.crm(token, 'PUT', '/Leads', { data: [{ id, Owner: { id: org.admin.id } }] });
    const mass = await test.crm(token, 'POST', '/Leads/actions/change_owner', { ids: [id, other], owner: { id: rep.id } });
    expect(mass.body.data).toHaveLength(2);
    expect((await test.crm(token, 'POST', `/Leads/${id}/actions/change_owner`, {})).body.code).toBe('MANDATORY_NOT_FOUND');

    const timeline = await test.crm(token, 'GET', `/Leads/${id}/__timeline?sort_order=asc`);
    expect(timeline.status).toBe(200);
    const owners = timeline.body.__timeline
      .flatMap((entry: Json) => entry.field_history ?? [])
      .filter((change: Json) => change.api_name === 'Owner')
      .map((change: Json) => change._value);
    expect(owners).toEqual([
      { old: 'Ada Admin', new: 'Rex Rep' },
      { old: 'Rex Rep', new: 'Ada Admin' },
      { old: 'Ada Admin', new: 'Rex Rep' },
    ]);
    expect(timeline.body.__timeline[0]).toMatchObject({ action: 'added', source: 'crm_api', done_by: { id: org.admin.id } });
    const filtered = await test.crm(token, 'GET', `/Leads/${id}/__timeline?filters=${encodeURIComponent(JSON.stringify({ field: { api_name: 'action' }, comparator: 'equal', value: 'added' }))}`);
    expect(filtered.body.__timeline).toHaveLength(1);
  });

  it('writes and reads custom fields, found by label in field metadata', async () => {
    const fields = (await test.crm(token, 'GET', '/settings/fields?module=Deals')).body.fields as Json[];
    const status = fields.find((field) => field.field_label === '7Targets Lead Connection Status');
    expect(status.data_type).toBe('picklist');
    const [id] = await insert('Deals', [{ Deal_Name: 'Big', Stage: 'Qualification', [status.api_name]: 'Engaged' }]);
    expect((await test.crm(token, 'GET', `/Deals/${id}?fields=${status.api_name}`)).body.data[0][status.api_name]).toBe('Engaged');
    const refused = await test.crm(token, 'PUT', `/Deals/${id}`, { data: [{ [status.api_name]: 'Ecstatic' }] });
    expect(refused.body.data[0]).toMatchObject({ code: 'INVALID_DATA', details: { api_name: status.api_name } });
  });
});

describe('search and COQL', () => {
  beforeEach(async () => {
    await insert('Contacts', [
      { First_Name: 'Jane', Last_Name: 'Doe', Email: 'jane@alpha.test', Title: 'CTO', Owner: { id: rep.id } },
      { First_Name: 'John', Last_Name: 'Doe', Email: 'john@beta.test', Title: 'CEO' },
      { First_Name: 'Zed', Last_Name: 'Zulu', Email: 'zed@alpha.test' },
    ]);
  });

  it('searches by criteria, email and word; no hits is 204', async () => {
    const criteria = encodeURIComponent('((Last_Name:equals:Doe)and(Title:in:CTO,CFO))');
    expect((await test.crm(token, 'GET', `/Contacts/search?criteria=${criteria}`)).body.data.map((row: Json) => row.First_Name)).toEqual(['Jane']);
    const either = encodeURIComponent('((Email:starts_with:zed)or(Title:equals:CEO))');
    expect((await test.crm(token, 'GET', `/Contacts/search?criteria=${either}`)).body.data).toHaveLength(2);
    expect((await test.crm(token, 'GET', '/Contacts/search?email=JOHN@beta.test')).body.data[0].First_Name).toBe('John');
    expect((await test.crm(token, 'GET', '/Contacts/search?word=alpha')).body.data).toHaveLength(2);
    expect((await test.crm(token, 'GET', '/Contacts/search?email=none@none.test')).status).toBe(204);
    expect((await test.crm(token, 'GET', '/Contacts/search')).body.code).toBe('REQUIRED_PARAM_MISSING');
    expect((await test.crm(token, 'GET', `/Contacts/search?criteria=${encodeURIComponent('(Nope:equals:x)')}`)).body.code).toBe('INVALID_QUERY');
  });

  it('answers select … where with and/or, comparisons, like, in, is null, order by, limit and offset', async () => {
    expect(await coql("select First_Name from Contacts where Last_Name = 'Doe' and (Title = 'CTO' or Title = 'CEO') order by First_Name desc")).toEqual([
      expect.objectContaining({ First_Name: 'John' }),
      expect.objectContaining({ First_Name: 'Jane' }),
    ]);
    expect((await coql("select Email from Contacts where Email like '%@alpha.test'")).map((row) => row.Email).sort()).toEqual(['jane@alpha.test', 'zed@alpha.test']);
    expect((await coql("select Email from Contacts where First_Name in ('Zed', 'John') order by Email")).map((row) => row.Email)).toEqual(['john@beta.test', 'zed@alpha.test']);
    expect((await coql('select Last_Name from Contacts where Title is null')).map((row) => row.Last_Name)).toEqual(['Zulu']);
    expect(await coql("select Last_Name from Contacts where Title != 'CTO' and Title is not null")).toHaveLength(1);
    expect((await coql('select First_Name from Contacts where Last_Name is not null order by First_Name limit 1 offset 1')).map((row) => row.First_Name)).toEqual(['John']);
    expect((await coql('select First_Name from Contacts where Last_Name is not null order by First_Name limit 1, 2')).map((row) => row.First_Name)).toEqual(['John', 'Zed']);
  });

  it('returns lookups as ids, follows Owner.email, and compares times', async () => {
    const rows = await coql(`select Owner, Owner.email, Last_Name from Contacts where Owner = '${rep.id}'`);
    expect(rows).toEqual([{ Owner: { id: rep.id }, 'Owner.email': 'rex@records.test', Last_Name: 'Doe', id: expect.any(String) }]);
    test.clock.advance(60_000);
    const since = new Date(test.clock.now() - 1_000).toISOString().replace('.000Z', '+00:00');
    expect(await coql(`select Last_Name from Contacts where Modified_Time > '${since}'`)).toEqual([]);
    const [contact] = await coql("select Last_Name from Contacts where Email = 'zed@alpha.test'");
    await test.crm(token, 'PUT', `/Contacts/${contact.id}`, { data: [{ Title: 'Founder' }] });
    expect((await coql(`select Last_Name from Contacts where Modified_Time >= '${since}' and Owner.email = 'ada@records.test'`)).map((row) => row.Last_Name)).toEqual(['Zulu']);
  });

  it('refuses unknown columns, limits over 2000 and broken syntax', async () => {
    const unknown = await test.crm(token, 'POST', '/coql', { select_query: "select Nope from Contacts where Last_Name = 'Doe'" });
    expect(unknown.body.code).toBe('INVALID_QUERY');
    const limit = await test.crm(token, 'POST', '/coql', { select_query: "select Last_Name from Contacts where Last_Name = 'Doe' limit 2001" });
    expect(limit.body.code).toBe('LIMIT_EXCEEDED');
    const broken = await test.crm(token, 'POST', '/coql', { select_query: "select Last_Name from Contacts where Last_Name = " });
    expect(broken.body.code).toBe('SYNTAX_ERROR');
  });
});

describe('notes, users, metadata and org variables', () => {
  it('creates notes through /Notes and /{module}/{id}/Notes and lists them oldest first', async () => {
    const [id] = await insert('Contacts', [{ Last_Name: 'Noted' }]);
    const bulk = await test.crm(token, 'POST', '/Notes', { data: [{ Note_Title: 'One', Note_Content: 'first', Parent_Id: { module: { api_name: 'Contacts' }, id } }] });
    expect(bulk.status).toBe(201);
    test.clock.advance(1_000);
    const direct = await test.crm(token, 'POST', `/Contacts/${id}/Notes`, { data: [{ Note_Content: 'second' }] });
    expect(direct.status).toBe(201);
    const missing = await test.crm(token, 'POST', '/Notes', { data: [{ Note_Title: 'No body', Parent_Id: { module: { api_name: 'Contacts' }, id } }] });
    expect(missing.body.data[0].code).toBe('MANDATORY_NOT_FOUND');
    const listed = await test.crm(token, 'GET', `/Contacts/${id}/Notes?fields=Note_Title,Note_Content,Parent_Id`);
    expect(listed.body.data.map((note: Json) => note.Note_Content)).toEqual(['first', 'second']);
    expect(listed.body.data[0].Parent_Id).toMatchObject({ id, module: { api_name: 'Contacts' }, name: 'Noted' });
  });

  it('creates users and refuses a duplicate email', async () => {
    const created = await test.crm(token, 'POST', '/users', { users: [{ first_name: 'Nova', last_name: 'Assistant', email: 'nova@records.test', role: { id: '1' }, profile: { id: '1' } }] });
    expect(created.status).toBe(201);
    const id = created.body.users[0].details.id;
    expect((await test.crm(token, 'GET', `/users/${id}`)).body.users[0]).toMatchObject({ email: 'nova@records.test', status: 'active', full_name: 'Nova Assistant' });
    const duplicate = await test.crm(token, 'POST', '/users', { users: [{ last_name: 'Again', email: 'nova@records.test' }] });
    expect(duplicate.body.users[0].code).toBe('DUPLICATE_DATA');
    const repToken = (await test.token(org, 'ZohoCRM.users.ALL', rep.email)).access_token;
    expect((await test.crm(repToken, 'POST', '/users', { users: [{ last_name: 'X', email: 'x@records.test' }] })).body.code).toBe('NO_PERMISSION');
  });

  it('creates custom fields, reads their API names back, and refuses duplicates', async () => {
    const plain = await test.createOrg({ name: 'Bare Org' });
    const plainToken = (await test.token(plain)).access_token;
    const before = (await test.crm(plainToken, 'GET', '/settings/fields?module=Leads')).body.fields as Json[];
    expect(before.some((field) => field.field_label === '7Targets Context')).toBe(false);
    const created = await test.crm(plainToken, 'POST', '/settings/fields?module=Leads', { fields: [{ field_label: '7Targets Context', data_type: 'text', length: 255 }] });
    expect(created.status).toBe(201);
    const fieldId = created.body.fields[0].details.id;
    expect(created.body.fields[0].details.api_name).toBeUndefined();
    const field = (await test.crm(plainToken, 'GET', `/settings/fields/${fieldId}?module=Leads`)).body.fields[0];
    expect(field).toMatchObject({ field_label: '7Targets Context', data_type: 'text', custom_field: true });
    expect(field.api_name).toMatch(/^[A-Za-z]\w*$/);
    const again = await test.crm(plainToken, 'POST', '/settings/fields?module=Leads', { fields: [{ field_label: '7Targets Context', data_type: 'text' }] });
    expect(again.body.fields[0].code).toBe('DUPLICATE_DATA');
    expect((await test.crm(plainToken, 'POST', '/settings/fields', { fields: [{ field_label: 'X', data_type: 'text' }] })).body.code).toBe('REQUIRED_PARAM_MISSING');
  });

  it('answers modules with 304 when unchanged, and related lists with an href', async () => {
    const modules = await test.crm(token, 'GET', '/settings/modules');
    expect(modules.body.modules.map((module: Json) => module.api_name)).toEqual(['Leads', 'Contacts', 'Accounts', 'Deals', 'Tasks', 'Notes']);
    expect(modules.body.modules.every((module: Json) => module.api_supported && module.generated_type === 'default')).toBe(true);
    const since = new Date(test.clock.now() + 1_000).toUTCString();
    const notModified = await fetch(`${test.url}/crm/v8/settings/modules`, { headers: { authorization: `Zoho-oauthtoken ${token}`, 'if-modified-since': since } });
    expect(notModified.status).toBe(304);
    const related = await test.crm(token, 'GET', '/settings/related_lists?module=Contacts');
    expect(related.body.related_lists[0]).toMatchObject({ api_name: 'Notes', href: 'Contacts/{ENTITYID}/Notes' });
  });

  it('creates, reads and updates org variables by id or API name', async () => {
    expect((await test.crm(token, 'GET', '/settings/variables')).status).toBe(204);
    const created = await test.crm(token, 'POST', '/settings/variables', { variables: [{ name: 'Widget Key', api_name: 'salesassist__Widget_Key', type: 'text', value: 'k1', variable_group: { api_name: 'General' } }] });
    expect(created.status).toBe(201);
    const id = created.body.variables[0].details.id;
    const updated = await test.crm(token, 'PUT', '/settings/variables/salesassist__Widget_Key', { variables: [{ value: 'k2' }] });
    expect(updated.body.variables[0]).toMatchObject({ code: 'SUCCESS', details: { id } });
    expect((await test.crm(token, 'GET', `/settings/variables/${id}`)).body.variables[0]).toMatchObject({ api_name: 'salesassist__Widget_Key', value: 'k2' });
    expect((await test.crm(token, 'POST', '/settings/variables', { variables: [{ name: 'Widget Key', api_name: 'salesassist__Widget_Key', type: 'text' }] })).body.variables[0].code).toBe('DUPLICATE_DATA');
    expect((await test.crm(token, 'PUT', '/settings/variables/nope', { variables: [{ value: 'x' }] })).status).toBe(400);
  });
});
