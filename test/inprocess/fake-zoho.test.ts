import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/src/lib/clock.js';
import { ZohoApiError, ZohoAuthorizationError, ZohoUnavailableError } from '../../server/src/zoho/errors.js';
import type { OrgConnection } from '../../server/src/zoho/gateway.js';
import { FakeZohoGateway, NotFakedError } from '../helpers/fake-zoho.js';

/** The fake Zoho the in-process tier runs on answers as Zoho does where the engine relies on it. */

function fixture() {
  const clock = new ManualClock();
  const zoho = new FakeZohoGateway(clock);
  const org = zoho.createOrg({ companyName: 'Acme' });
  const admin = org.addUser({ firstName: 'Ann', lastName: 'Admin', email: 'ann@acme.test', isAdmin: true });
  const rep = org.addUser({ firstName: 'Sam', lastName: 'Sales', email: 'sam@acme.test' });
  const nova = org.addUser({ firstName: 'Nova', lastName: 'Assistant', email: 'nova@acme.test' });
  const connection: OrgConnection = { orgId: 'our-org', apiDomain: org.apiDomain, accountsServer: 'https://accounts.zoho.com' };
  zoho.bind(connection.orgId, org);
  org.channels.set('1', { channelId: '1', events: ['Contacts.create', 'Contacts.edit'], notifyUrl: 'https://backend.test/webhooks/zoho', token: 'channel-token', expiresAt: clock.now() + 86_400_000, editFields: { Contacts: ['Owner', 'Email_Opt_Out'] } });
  return { clock, zoho, org, admin, rep, nova, connection };
}

describe('FakeZohoGateway', () => {
  it('answers the COQL the sweep sends: owner and time window, paging by id, and the worked records that changed', async () => {
    const { clock, zoho, rep, nova, connection } = fixture();
    const ids = (await zoho.createRecords(connection, 'Contacts', Array.from({ length: 5 }, (_, index) => ({ Last_Name: `Doe ${index}`, Email: `doe${index}@prospect.test`, Owner: nova.id })))).map((result) => result.id);
    clock.advance(60_000);
    await zoho.updateRecords(connection, 'Contacts', [{ id: ids[4]!, values: { Owner: rep.id } }]);
    const since = new Date(clock.now() - 30_000).toISOString().replace('.000Z', '+00:00');
    const recent = await zoho.coql(connection, `select id, Modified_Time from Contacts where Owner in ('${nova.id}', '${rep.id}') and Modified_Time >= '${since}' order by id asc limit 0, 200`);
    expect(recent).toEqual([{ id: ids[4], Modified_Time: '2026-11-21T09:01:00+00:00' }]);
    const pages = [await zoho.coql(connection, `select id from Contacts where Owner = '${nova.id}' order by id asc limit 0, 2`), await zoho.coql(connection, `select id from Contacts where Owner = '${nova.id}' order by id asc limit 2, 2`)];
    expect(pages.map((page) => page.map((entry) => entry.id))).toEqual([ids.slice(0, 2), ids.slice(2, 4)]);
    await zoho.updateRecords(connection, 'Contacts', [{ id: ids[1]!, values: { Email_Opt_Out: true } }]);
    const changed = await zoho.coql(connection, `select id, Modified_Time from Contacts where id in (${ids.map((id) => `'${id}'`).join(', ')}) and (Owner not in ('${nova.id}') or Email_Opt_Out = true) limit 200`);
    expect(changed.map((entry) => entry.id).sort()).toEqual([ids[1], ids[4]].sort());
    // The connector and creates look records up by email, as Zoho does without regard to case.
    expect(await zoho.coql(connection, "select id, Owner from Contacts where Email = 'DOE2@prospect.test' limit 1")).toEqual([{ id: ids[2], Owner: { id: nova.id } }]);
    await expect(zoho.coql(connection, 'select Nope from Contacts where id = 1')).rejects.toMatchObject({ code: 'INVALID_QUERY' });
    await expect(zoho.coql(connection, 'select id from Contacts where Last_Name = 1 group by Email')).rejects.toBeInstanceOf(NotFakedError);
  });

  it("validates writes as Zoho does, keeps the owner timeline, and notifies only the channel's watched fields", async () => {
    const { zoho, admin, rep, nova, connection } = fixture();
    const [created] = await zoho.createRecords(connection, 'Contacts', [{ First_Name: 'Jane', Last_Name: 'Doe', Email: 'jane@prospect.test', Owner: rep.id }]);
    expect(zoho.takeNotifications().map((entry) => entry.body)).toEqual([expect.objectContaining({ operation: 'insert', ids: [created!.id], token: 'channel-token', affected_fields: [] })]);
    const results = await zoho.updateRecords(connection, 'Contacts', [
      { id: created!.id, values: { Owner: nova.id, Phone: '555' } },
      { id: '4876000000000999999', values: { Phone: '1' } },
      { id: created!.id, values: { Email: 'not an email' } },
      { id: created!.id, values: { Owner: '123' } },
    ]);
    expect(results.map((result) => [result.ok, result.code, result.details?.api_name])).toEqual([
      [true, 'SUCCESS', undefined],
      [false, 'INVALID_DATA', 'id'],
      [false, 'INVALID_DATA', 'Email'],
      [false, 'INVALID_DATA', 'Owner'],
    ]);
    const [notification] = zoho.takeNotifications();
    expect(notification!.body).toMatchObject({ operation: 'update', ids: [created!.id], affected_fields: [{ [created!.id]: ['Owner', 'Phone'] }], affected_values: [{ record_id: created!.id, values: { Owner: { id: nova.id, name: 'Nova Assistant' }, Phone: '555' } }] });
    // A change of a field the channel does not watch is not sent (Zoho's notification_condition).
    await zoho.updateRecords(connection, 'Contacts', [{ id: created!.id, values: { Phone: '556' } }]);
    expect(zoho.takeNotifications()).toEqual([]);
    expect(await zoho.ownerHistory(connection, 'Contacts', created!.id)).toEqual([{ from: 'Sam Sales', to: 'Nova Assistant', at: '2026-11-21T09:00:00+00:00', byUserId: admin.id }]);
    expect(await zoho.getRecord(connection, 'Contacts', created!.id, ['Email', 'Owner'])).toEqual({ id: created!.id, Owner: { id: nova.id, name: 'Nova Assistant', email: 'nova@acme.test' }, Email: 'jane@prospect.test' });
    expect(await zoho.getRecord(connection, 'Contacts', '4876000000000999999')).toBeNull();

    const fieldIds = await zoho.createFields(connection, 'Contacts', [{ label: '7Targets Lead Connection Status', dataType: 'picklist', picklistValues: ['-None-', 'New'] }]);
    const statusField = (await zoho.listFields(connection, 'Contacts')).find((entry) => entry.id === fieldIds[0])!;
    expect(statusField).toMatchObject({ apiName: 'X7Targets_Lead_Connection_Status', custom: true, dataType: 'picklist', picklistValues: ['-None-', 'New'] });
    expect((await zoho.updateRecords(connection, 'Contacts', [{ id: created!.id, values: { [statusField.apiName]: 'Hot' } }]))[0]).toMatchObject({ ok: false, code: 'INVALID_DATA', details: { allowed_values: ['-None-', 'New'] } });
  });

  it('writes notes with ids, fails as told (before or after the write), and refuses what it does not fake', async () => {
    const { zoho, org, rep, connection } = fixture();
    const [contact] = org.insertRecords('Contacts', [{ Last_Name: 'Doe' }], rep.id);
    zoho.fail('createNotes', new ZohoUnavailableError('timeout'), { after: true });
    await expect(zoho.createNotes(connection, [{ module: 'Contacts', recordId: contact!.id, title: 'T', content: 'C' }])).rejects.toBeInstanceOf(ZohoUnavailableError);
    expect(await zoho.listNotes(connection, 'Contacts', contact!.id)).toEqual([{ id: expect.stringMatching(/^\d{19}$/), title: 'T', content: 'C' }]);
    expect((await zoho.createNotes(connection, [{ module: 'Contacts', recordId: '4876000000000999999', title: 'T', content: 'C' }]))[0]).toMatchObject({ ok: false, code: 'INVALID_DATA' });
    await expect(zoho.getRecord(connection, 'Campaigns', '1')).rejects.toThrow(/FakeZohoGateway: the module Campaigns is not faked/);
    await expect(zoho.getRecord({ ...connection, orgId: 'never-authorized' }, 'Contacts', contact!.id)).rejects.toBeInstanceOf(ZohoAuthorizationError);
    await expect(zoho.createNotes(connection, Array.from({ length: 101 }, () => ({ module: 'Contacts', recordId: contact!.id, title: 'T', content: 'C' })))).rejects.toBeInstanceOf(ZohoApiError);
    expect(await zoho.identify({ apiDomain: org.apiDomain, accountsServer: 'https://accounts.zoho.com' }, org.accessToken)).toMatchObject({ user: { email: 'ann@acme.test', isAdmin: true }, org: { zgid: org.zgid, companyName: 'Acme' } });
    expect((await zoho.listUsers(connection, 'AdminUsers')).map((user) => user.fullName)).toEqual(['Ann Admin']);
    await zoho.setVariable(connection, { apiName: 'salesassist__Widget_Key', name: 'Widget Key', value: 'k' });
    expect(await zoho.getVariable(connection, 'salesassist__Widget_Key')).toBe('k');
    expect(await zoho.getVariable(connection, 'missing')).toBeNull();
  });
});
