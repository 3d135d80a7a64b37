import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../server/src/lib/clock.js';
import { ALL_SCOPES, type SandboxOrg, type TestSandbox, startTestSandbox } from '../helpers/sandbox-client.js';
import { type SdkSession, ZOHO, initSdk } from '../helpers/zoho-sdk.js';

/**
 * Zoho's own TypeScript SDK, unmodified, talks to the sandbox exactly as it would to Zoho.
 * The SDK keeps process-global state, so this file runs its tests in order against one org
 * at a time; the sandbox's clock follows the (faked) Date the SDK reads for token expiry.
 */

class DateFollowingClock extends ManualClock {
  override now(): number {
    return Date.now();
  }
}

let test: TestSandbox;
let org: SandboxOrg;
let session: SdkSession;
let contextField: string;
let repId: string;

function unwrapAction(response: ZOHO.APIResponse<ZOHO.Record.ActionHandler.ActionHandler> | null) {
  const wrapper = response?.getObject();
  if (!(wrapper instanceof ZOHO.Record.ActionWrapper)) throw new Error(`expected an action wrapper, got ${JSON.stringify(wrapper)}`);
  return wrapper.getData();
}

function recordsOf(response: ZOHO.APIResponse<ZOHO.Record.ResponseHandler.ResponseHandler> | null): ZOHO.Record.Record[] {
  const wrapper = response?.getObject();
  if (!(wrapper instanceof ZOHO.Record.ResponseWrapper)) throw new Error(`expected records, got ${JSON.stringify(wrapper)}`);
  return wrapper.getData();
}

function ownerRef(id: string): ZOHO.Users.MinifiedUser {
  const owner = new ZOHO.Users.MinifiedUser();
  owner.setId(BigInt(id));
  return owner;
}

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-21T09:00:00Z') });
  test = await startTestSandbox({ clock: new DateFollowingClock() });
  org = await test.createOrg({
    name: 'Fidelity Inc',
    extension_fields: true,
    users: [
      { first_name: 'Ada', last_name: 'Admin', email: 'ada@fidelity.test', profile: 'Administrator' },
      { first_name: 'Rex', last_name: 'Rep', email: 'rex@fidelity.test' },
    ],
  });
  repId = org.users.find((user) => user.email === 'rex@fidelity.test')!.id;
  const grant = await test.admin<{ code: string }>('POST', `/sandbox/orgs/${org.org_id}/grant`, { scope: ALL_SCOPES });
  session = await initSdk({
    apiDomain: org.api_domain,
    accountsServer: org.accounts_server,
    clientId: org.client.client_id,
    clientSecret: org.client.client_secret,
    grantCode: grant.body.code,
  });
});

afterAll(async () => {
  vi.useRealTimers();
  session?.dispose();
  await test?.stop();
});

describe("Zoho's TypeScript SDK against the sandbox", () => {
  it('exchanges a grant code and learns who signed in', async () => {
    const params = new ZOHO.ParameterMap();
    await params.add(ZOHO.Users.GetUsersParam.TYPE, 'CurrentUser');
    const response = await new ZOHO.Users.UsersOperations().getUsers(params);
    const wrapper = response?.getObject();
    expect(wrapper).toBeInstanceOf(ZOHO.Users.ResponseWrapper);
    const users = (wrapper as ZOHO.Users.ResponseWrapper).getUsers();
    expect(users.map((user) => user.getEmail())).toEqual(['ada@fidelity.test']);

    const [stored] = await session.store.getTokens();
    const token = stored as ZOHO.OAuthToken;
    expect(token.getRefreshToken()).toMatch(/^1000\.[0-9a-f]{32}\.[0-9a-f]{32}$/);
    expect(token.getAPIDomain()).toBe(org.api_domain);
  });

  it('reads the org with its zgid', async () => {
    const response = await new ZOHO.Org.OrgOperations().getOrganization();
    const wrapper = response?.getObject() as ZOHO.Org.ResponseWrapper;
    expect(wrapper).toBeInstanceOf(ZOHO.Org.ResponseWrapper);
    expect(wrapper.getOrg()[0]?.getZgid()).toBe(org.org_id);
    expect(wrapper.getOrg()[0]?.getCompanyName()).toBe('Fidelity Inc');
  });

  it('lists all users and the admins', async () => {
    const params = new ZOHO.ParameterMap();
    await params.add(ZOHO.Users.GetUsersParam.TYPE, 'AllUsers');
    const all = (await new ZOHO.Users.UsersOperations().getUsers(params))?.getObject() as ZOHO.Users.ResponseWrapper;
    expect(all.getUsers().map((user) => user.getEmail()).sort()).toEqual(['ada@fidelity.test', 'rex@fidelity.test']);
    const adminParams = new ZOHO.ParameterMap();
    await adminParams.add(ZOHO.Users.GetUsersParam.TYPE, 'AdminUsers');
    const admins = (await new ZOHO.Users.UsersOperations().getUsers(adminParams))?.getObject() as ZOHO.Users.ResponseWrapper;
    expect(admins.getUsers().map((user) => user.getEmail())).toEqual(['ada@fidelity.test']);
  });

  it('reads field metadata, custom fields found by label', async () => {
    const params = new ZOHO.ParameterMap();
    await params.add(ZOHO.Fields.GetFieldsParam.MODULE, 'Contacts');
    const wrapper = (await new ZOHO.Fields.FieldsOperations().getFields(params))?.getObject() as ZOHO.Fields.ResponseWrapper;
    expect(wrapper).toBeInstanceOf(ZOHO.Fields.ResponseWrapper);
    const fields = wrapper.getFields();
    const byLabel = new Map(fields.map((field) => [field.getFieldLabel(), field]));
    expect(byLabel.get('Contact Owner')?.getDataType()).toBe('ownerlookup');
    expect(byLabel.get('Last Name')?.getSystemMandatory()).toBe(true);
    const context = byLabel.get('7Targets Context');
    const status = byLabel.get('7Targets Lead Connection Status');
    expect(context?.getDataType()).toBe('text');
    expect(status?.getDataType()).toBe('picklist');
    expect(status?.getPickListValues().map((value) => value.getDisplayValue())).toContain('Engaged');
    contextField = context!.getAPIName();
    expect(contextField).not.toBe('7Targets_Context');
  });

  it('inserts, reads and updates records with Owner and custom fields', async () => {
    const operations = new ZOHO.Record.RecordOperations('Contacts');
    const body = new ZOHO.Record.BodyWrapper();
    const contact = new ZOHO.Record.Record();
    contact.addKeyValue('First_Name', 'Jane');
    contact.addKeyValue('Last_Name', 'Doe');
    contact.addKeyValue('Email', 'jane@prospect.test');
    contact.addKeyValue(contextField, 'Met at the fair; wants a demo');
    contact.addKeyValue('Owner', ownerRef(repId));
    body.setData([contact]);
    const created = unwrapAction(await operations.createRecords(body));
    expect(created).toHaveLength(1);
    const success = created[0] as ZOHO.Record.SuccessResponse;
    expect(success).toBeInstanceOf(ZOHO.Record.SuccessResponse);
    expect(success.getCode().getValue()).toBe('SUCCESS');
    const id = (success.getDetails().get('id') as bigint).toString();
    expect(id).toMatch(/^\d{18,19}$/);

    const fetched = recordsOf(await operations.getRecord(BigInt(id)));
    expect(fetched[0]?.getKeyValue('Email')).toBe('jane@prospect.test');
    expect(fetched[0]?.getKeyValue(contextField)).toBe('Met at the fair; wants a demo');
    const owner = fetched[0]?.getKeyValue('Owner') as ZOHO.Users.MinifiedUser;
    expect(owner.getId().toString()).toBe(repId);
    expect(owner.getEmail()).toBe('rex@fidelity.test');

    const update = new ZOHO.Record.BodyWrapper();
    const change = new ZOHO.Record.Record();
    change.setId(BigInt(id));
    change.addKeyValue('Owner', ownerRef(org.admin.id));
    change.addKeyValue('Title', 'CTO');
    update.setData([change]);
    const updated = unwrapAction(await operations.updateRecords(update));
    expect((updated[0] as ZOHO.Record.SuccessResponse).getMessage().getValue()).toBe('record updated');

    const params = new ZOHO.ParameterMap();
    await params.add(ZOHO.Record.GetRecordsParam.FIELDS, `Last_Name,Email,Title,Owner,${contextField}`);
    const listed = recordsOf(await operations.getRecords(params));
    expect(listed).toHaveLength(1);
    expect(listed[0]?.getKeyValue('Title')).toBe('CTO');
    expect((listed[0]?.getKeyValue('Owner') as ZOHO.Users.MinifiedUser).getId().toString()).toBe(org.admin.id);
  });

  it('answers a missing mandatory field per record, 207 beside a good one', async () => {
    const operations = new ZOHO.Record.RecordOperations('Contacts');
    const body = new ZOHO.Record.BodyWrapper();
    const good = new ZOHO.Record.Record();
    good.addKeyValue('Last_Name', 'Good');
    const bad = new ZOHO.Record.Record();
    bad.addKeyValue('First_Name', 'NoLastName');
    body.setData([good, bad]);
    const response = await operations.createRecords(body);
    expect(response?.getStatusCode()).toBe(207);
    const [first, second] = unwrapAction(response);
    expect(first).toBeInstanceOf(ZOHO.Record.SuccessResponse);
    expect(second).toBeInstanceOf(ZOHO.Record.APIException);
    expect((second as ZOHO.Record.APIException).getCode().getValue()).toBe('MANDATORY_NOT_FOUND');
    expect((second as ZOHO.Record.APIException).getDetails().get('api_name')).toBe('Last_Name');
  });

  it('searches by email and by criteria', async () => {
    const operations = new ZOHO.Record.RecordOperations('Contacts');
    const byEmail = new ZOHO.ParameterMap();
    await byEmail.add(ZOHO.Record.SearchRecordsParam.EMAIL, 'jane@prospect.test');
    const found = recordsOf(await operations.searchRecords(byEmail));
    expect(found.map((record) => record.getKeyValue('Last_Name'))).toEqual(['Doe']);

    const byCriteria = new ZOHO.ParameterMap();
    await byCriteria.add(ZOHO.Record.SearchRecordsParam.CRITERIA, '((Last_Name:starts_with:Do)and(Title:equals:CTO))');
    expect(recordsOf(await operations.searchRecords(byCriteria))).toHaveLength(1);

    const none = new ZOHO.ParameterMap();
    await none.add(ZOHO.Record.SearchRecordsParam.EMAIL, 'nobody@nowhere.test');
    const empty = await operations.searchRecords(none);
    expect(empty?.getStatusCode()).toBe(204);
    expect(empty?.getObject()).toBeNull();
  });

  it('creates notes and lists them on the record', async () => {
    const params = new ZOHO.ParameterMap();
    await params.add(ZOHO.Record.GetRecordsParam.FIELDS, 'Last_Name');
    const jane = recordsOf(await new ZOHO.Record.RecordOperations('Contacts').getRecords(params)).find(
      (record) => record.getKeyValue('Last_Name') === 'Doe',
    )!;
    const note = new ZOHO.Notes.Note();
    note.setNoteTitle('Assistant');
    note.setNoteContent('Email 1 of 3 sent: "Quick question"');
    const parent = new ZOHO.Notes.ParentId();
    const module = new ZOHO.Modules.MinifiedModule();
    module.setAPIName('Contacts');
    parent.setModule(module);
    parent.setId(jane.getId());
    note.setParentId(parent);
    const body = new ZOHO.Notes.BodyWrapper();
    body.setData([note]);
    const created = (await new ZOHO.Notes.NotesOperations().createNotes(body))?.getObject() as ZOHO.Notes.ActionWrapper;
    expect(created).toBeInstanceOf(ZOHO.Notes.ActionWrapper);
    expect((created.getData()[0] as ZOHO.Notes.SuccessResponse).getCode().getValue()).toBe('SUCCESS');

    const related = new ZOHO.RelatedRecords.RelatedRecordsOperations('Notes', 'Contacts');
    const listParams = new ZOHO.ParameterMap();
    await listParams.add(ZOHO.RelatedRecords.GetRelatedRecordsParam.FIELDS, 'Note_Title,Note_Content');
    const listed = (await related.getRelatedRecords(jane.getId(), listParams))?.getObject() as ZOHO.RelatedRecords.ResponseWrapper;
    expect(listed).toBeInstanceOf(ZOHO.RelatedRecords.ResponseWrapper);
    expect(listed.getData().map((record) => record.getKeyValue('Note_Content'))).toEqual(['Email 1 of 3 sent: "Quick question"']);
  });

  it('refreshes the access token after it expires and carries on', async () => {
    const [before] = (await session.store.getTokens()) as ZOHO.OAuthToken[];
    const oldAccess = before!.getAccessToken();
    vi.setSystemTime(Date.now() + 61 * 60 * 1000);
    // The old token is dead at the sandbox too: replaying it by hand gets Zoho's 401.
    const replay = await test.crm(oldAccess ?? '', 'GET', '/org', undefined, org.api_domain);
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('INVALID_TOKEN');

    const response = await new ZOHO.Org.OrgOperations().getOrganization();
    expect(response?.getStatusCode()).toBe(200);
    const [after] = (await session.store.getTokens()) as ZOHO.OAuthToken[];
    expect(after!.getAccessToken()).not.toBe(oldAccess);
    expect(after!.getRefreshToken()).toBe(before!.getRefreshToken());
  });

  it('keeps two orgs apart: one org never sees the other\'s records', async () => {
    const other = await test.createOrg({ name: 'Other Org' });
    const grant = await test.admin<{ code: string }>('POST', `/sandbox/orgs/${other.org_id}/grant`, { scope: ALL_SCOPES });
    const otherSession = await initSdk({
      apiDomain: other.api_domain,
      accountsServer: other.accounts_server,
      clientId: other.client.client_id,
      clientSecret: other.client.client_secret,
      grantCode: grant.body.code,
      switchUser: true,
    });
    try {
      const params = new ZOHO.ParameterMap();
      await params.add(ZOHO.Record.GetRecordsParam.FIELDS, 'Last_Name,Email');
      const empty = await new ZOHO.Record.RecordOperations('Contacts').getRecords(params);
      expect(empty?.getStatusCode()).toBe(204);

      const byEmail = new ZOHO.ParameterMap();
      await byEmail.add(ZOHO.Record.SearchRecordsParam.EMAIL, 'jane@prospect.test');
      expect((await new ZOHO.Record.RecordOperations('Contacts').searchRecords(byEmail))?.getStatusCode()).toBe(204);
      const orgResponse = (await new ZOHO.Org.OrgOperations().getOrganization())?.getObject() as ZOHO.Org.ResponseWrapper;
      expect(orgResponse.getOrg()[0]?.getZgid()).toBe(other.org_id);
    } finally {
      otherSession.dispose();
    }
  });
});
