import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SandboxOrg, type TestSandbox, startTestSandbox } from '../helpers/sandbox-client.js';

/** Bad input gets Zoho's error envelope and changes nothing. */

let test: TestSandbox;
let org: SandboxOrg;
let token: string;

async function contactCount(): Promise<number> {
  const response = await test.crm(token, 'POST', '/coql', { select_query: "select Last_Name from Contacts where Last_Name is not null limit 2000" });
  return response.status === 204 ? 0 : response.body.data.length;
}

beforeAll(async () => {
  test = await startTestSandbox();
  org = await test.createOrg({ name: 'Strict Ltd' });
  token = (await test.token(org)).access_token;
  expect((await test.crm(token, 'POST', '/Contacts', { data: [{ Last_Name: 'Existing' }] })).status).toBe(201);
});

afterAll(async () => {
  await test.stop();
});

describe('bad input', () => {
  it('malformed JSON', async () => {
    const response = await test.crm(token, 'POST', '/Contacts', '{"data": [ {"Last_Name": "Broken" ');
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'INVALID_DATA', status: 'error' });
    expect(Object.keys(response.body).sort()).toEqual(['code', 'details', 'message', 'status']);
    expect(await contactCount()).toBe(1);
  });

  it('an unknown module', async () => {
    const list = await test.crm(token, 'GET', '/Spaceships?fields=Name');
    expect(list.status).toBe(400);
    expect(list.body.code).toBe('INVALID_MODULE');
    const write = await test.crm(token, 'POST', '/Spaceships', { data: [{ Name: 'X' }] });
    expect(write.body.code).toBe('INVALID_MODULE');
  });

  it('a list without fields', async () => {
    const response = await test.crm(token, 'GET', '/Contacts');
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ code: 'REQUIRED_PARAM_MISSING', details: { param_name: 'fields' }, message: 'One of the expected parameter is missing', status: 'error' });
  });

  it('101 records in one call', async () => {
    const data = Array.from({ length: 101 }, (_, index) => ({ Last_Name: `Bulk ${index}` }));
    const insert = await test.crm(token, 'POST', '/Contacts', { data });
    expect(insert.status).toBe(400);
    expect(insert.body.code).toBe('LIMIT_EXCEEDED');
    const update = await test.crm(token, 'PUT', '/Contacts', { data });
    expect(update.body.code).toBe('LIMIT_EXCEEDED');
    const upsert = await test.crm(token, 'POST', '/Contacts/upsert', { data });
    expect(upsert.body.code).toBe('LIMIT_EXCEEDED');
    expect(await contactCount()).toBe(1);
  });

  it('non-numeric ids', async () => {
    const get = await test.crm(token, 'GET', '/Contacts/abc');
    expect(get.status).toBe(400);
    expect(get.body.code).toBe('INVALID_DATA');
    const update = await test.crm(token, 'PUT', '/Contacts', { data: [{ id: 'abc', Last_Name: 'Changed' }] });
    expect(update.status).toBe(400);
    expect(update.body.data[0]).toMatchObject({ code: 'INVALID_DATA', status: 'error' });
    expect((await test.crm(token, 'DELETE', '/Contacts?ids=abc')).body.data[0].code).toBe('INVALID_DATA');
    expect((await test.crm(token, 'GET', '/Contacts?fields=Last_Name&ids=12,abc')).body.code).toBe('INVALID_DATA');
    expect((await test.crm(token, 'GET', '/users/not-a-number')).body.code).toBe('INVALID_DATA');
  });

  it('wrong types, unknown picklist values and unknown owners fail per record', async () => {
    const response = await test.crm(token, 'POST', '/Contacts', {
      data: [
        { Last_Name: 'Typed', Email: 'not-an-email' },
        { Last_Name: 'Picky', Lead_Source: 'Carrier Pigeon' },
        { Last_Name: 'Owned', Owner: { id: '1234567890123456789' } },
        { Last_Name: 'Long', First_Name: 'x'.repeat(41) },
        { Last_Name: 'Dated', Date_of_Birth: '2026-13-45' },
      ],
    });
    expect(response.status).toBe(400);
    expect(response.body.data.map((entry: { code: string; details: { api_name: string } }) => [entry.code, entry.details.api_name])).toEqual([
      ['INVALID_DATA', 'Email'],
      ['INVALID_DATA', 'Lead_Source'],
      ['INVALID_DATA', 'Owner'],
      ['INVALID_DATA', 'First_Name'],
      ['INVALID_DATA', 'Date_of_Birth'],
    ]);
    expect(await contactCount()).toBe(1);
  });

  it('a used or expired grant code', async () => {
    const grant = await test.admin<{ code: string }>('POST', `/sandbox/orgs/${org.org_id}/grant`, { scope: 'ZohoCRM.org.READ' });
    const exchange = () =>
      fetch(`${test.url}/oauth/v2/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'authorization_code', client_id: org.client.client_id, client_secret: org.client.client_secret, code: grant.body.code }),
      }).then((response) => response.json() as Promise<{ access_token?: string; error?: string }>);
    expect((await exchange()).access_token).toBeTruthy();
    expect(await exchange()).toEqual({ error: 'invalid_code' });
    const late = await test.admin<{ code: string }>('POST', `/sandbox/orgs/${org.org_id}/grant`, { scope: 'ZohoCRM.org.READ' });
    test.clock.advance(2 * 60 * 1000 + 1);
    const expired = await fetch(`${test.url}/oauth/v2/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: org.client.client_id, client_secret: org.client.client_secret, code: late.body.code }),
    }).then((response) => response.json());
    expect(expired).toEqual({ error: 'invalid_code' });
  });

  it('an unknown URL and a COQL query without WHERE', async () => {
    const unknown = await test.crm(token, 'GET', '/Contacts/1/what/ever');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('INVALID_URL_PATTERN');
    const coql = await test.crm(token, 'POST', '/coql', { select_query: 'select Last_Name from Contacts' });
    expect(coql.status).toBe(400);
    expect(coql.body.code).toBe('SYNTAX_ERROR');
  });

  it('bad admin input gets a clear error and creates nothing', async () => {
    const before = (await test.admin<{ orgs: unknown[] }>('GET', '/sandbox/orgs')).body.orgs.length;
    const malformed = await fetch(`${test.url}/sandbox/orgs`, { method: 'POST', body: '{nope' });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe('INVALID_JSON');
    const invalid = await test.admin<{ error: { code: string; message: string } }>('POST', '/sandbox/orgs', { name: '', users: [{ email: 'x' }] });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('INVALID_INPUT');
    expect(invalid.body.error.message).toContain('email');
    expect((await test.admin<{ orgs: unknown[] }>('GET', '/sandbox/orgs')).body.orgs.length).toBe(before);
    const badFault = await test.admin('POST', '/sandbox/faults', { path: '/crm/v8/*' });
    expect(badFault.status).toBe(400);
  });
});
