import { afterEach, describe, expect, it } from 'vitest';
import { type TestBackend, signInAsAdmin } from '../helpers/backend-harness.js';
import type { ConnectedOrg } from '../helpers/connected-org.js';
import { type Scenario, startWithAssistant } from '../helpers/engine-scenario.js';
import type { Json } from '../helpers/sandbox-client.js';
import { run as runSql, value } from '../helpers/store.js';
import { runSync as runSyncNow } from '../../server/src/connector/sync.js';
import { ZohoRateLimitedError } from '../../server/src/zoho/errors.js';

let backend: TestBackend;
let org: ConnectedOrg;
let scenario: Scenario;
let orgId: string;
let session: string;

/** Our API as an admin, signed in after the simulated days the setup takes. */
const api = (method: string, path: string, body?: unknown) => org.api(method, path, body, { session });

afterEach(async () => {
  await backend.stop();
});

async function zoho(method: string, path: string, body?: unknown) {
  const token = (await backend.sandbox.token(org.zoho)).access_token;
  return backend.sandbox.crm(token, method, path, body, org.zoho.api_domain);
}

const SETTINGS = { enabled: true, name: 'Zoho CRM', create_contacts: false, create_accounts: false, account_id_field: null, segment_ids: [], mappings: [], schedule_minutes: 60, log_retention_days: 30 };

/** An org with custom fields to map to, three Contacts worked by the assistant and one Zoho Lead (not a Contact). */
async function start(): Promise<{ contacts: string[]; leadEmail: string }> {
  ({ backend, org, scenario } = await startWithAssistant());
  orgId = (await value<string>(backend.deps.db, 'SELECT id FROM orgs'))!;
  const fields = [
    { module: 'Contacts', field: { field_label: 'Assistant State', data_type: 'text', length: 50 } },
    { module: 'Contacts', field: { field_label: 'Engagement Score', data_type: 'integer' } },
    { module: 'Contacts', field: { field_label: 'Meeting Requested', data_type: 'boolean' } },
    { module: 'Accounts', field: { field_label: 'Our Account ID', data_type: 'text', length: 100 } },
    { module: 'Accounts', field: { field_label: 'Short Code', data_type: 'text', length: 10 } },
  ];
  for (const { module, field } of fields) {
    const created = await zoho('POST', `/settings/fields?module=${module}`, { fields: [field] });
    if (created.status !== 201 && created.status !== 200) throw new Error(`field not created: ${JSON.stringify(created.body)}`);
  }
  const contacts: string[] = [];
  for (const name of ['Ada', 'Ben', 'Cleo']) {
    const id = await scenario.contact({ First_Name: name, Last_Name: 'Lovelace', Email: `${name.toLowerCase()}@prospect.test` });
    await scenario.assign('Contacts', id, scenario.assistantUserId);
    contacts.push(id);
  }
  const leadEmail = 'dana@newco.test';
  const lead = await zoho('POST', '/Leads', { data: [{ First_Name: 'Dana', Last_Name: 'Scully', Company: 'NewCo', Email: leadEmail, Owner: { id: org.repId } }] });
  const leadId = String(lead.body.data[0].details.id);
  await scenario.assign('Leads', leadId, scenario.assistantUserId);
  await scenario.settle();
  expect(await value(backend.deps.db, 'SELECT COUNT(*) FROM leads')).toBe(4);
  // The first emails go out, so states and counts have something to say.
  for (let round = 0; round < 10 && backend.smtp.messages.length < 4; round += 1) await scenario.advanceToNextWork();
  expect(backend.smtp.messages).toHaveLength(4);
  session = (await signInAsAdmin(backend, org.zoho.admin.email)).token;
  return { contacts, leadEmail };
}

async function configure(settings: Record<string, unknown>) {
  return api('PUT', '/connector', { ...SETTINGS, ...settings });
}

/** Runs the org's sync job (and any Zoho retries it needs) until the run is finished. */
async function runSync(): Promise<Json> {
  await backend.deps.engine.syncNow(orgId);
  await backend.deps.engine.runUntilIdle();
  for (let round = 0; round < 10; round += 1) {
    const running = await value<number>(backend.deps.db, "SELECT COUNT(*) FROM sync_runs WHERE status = 'running'");
    if (running === 0) break;
    const next = (await value<number>(backend.deps.db, "SELECT MIN(run_at) FROM jobs WHERE status = 'queued' AND kind = 'sync'"))!;
    backend.sandbox.clock.set(Math.max(next, backend.sandbox.clock.now()));
    await backend.deps.engine.runUntilIdle();
  }
  return (await api('GET', '/connector/runs?limit=1')).body.runs[0];
}

const records = async (runId: number, query = '') => (await api('GET', `/connector/runs/${runId}/records${query}`)).body.records as Json[];
const contactsIn = async (email: string) => {
  const found = await zoho('GET', `/Contacts/search?email=${encodeURIComponent(email)}`);
  return found.status === 204 ? [] : (found.body.data as Json[]);
};

describe('the Zoho connector, end to end through the sandbox', () => {
  it('update only: known Contacts are updated with mapped and computed properties, unknown ones are skipped and logged', async () => {
    const { contacts, leadEmail } = await start();
    const saved = await configure({
      mappings: [
        { entity: 'contact', property: 'lead_state', zoho_field: 'Assistant_State' },
        { entity: 'contact', property: 'engagement_score', zoho_field: 'Engagement_Score' },
        { entity: 'contact', property: 'meeting_requested', zoho_field: 'Meeting_Requested' },
      ],
    });
    expect(saved.status).toBe(200);
    const run = await runSync();
    expect(run).toMatchObject({ status: 'done', dry_run: false, created: 0, updated: 3, rejected: 0 });
    const skipped = await records(run.id, '?action=skip&entity=contact');
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatchObject({ action: 'skip', reason: 'not in Zoho, and creating Contacts is off' });
    expect(await contactsIn(leadEmail)).toHaveLength(0);

    // The computed properties landed with Zoho's types: a number and a boolean.
    const record = await scenario.record('Contacts', contacts[0]!);
    expect(record.Assistant_State).toBe((await scenario.leadOf(contacts[0]!))!.state);
    expect(typeof record.Engagement_Score).toBe('number');
    // Pending (10) plus one email sent (2).
    expect(record.Engagement_Score).toBe(12);
    expect(record.Meeting_Requested).toBe(false);
    const updated = await records(run.id, '?action=update');
    expect(updated[0]!.fields).toMatchObject({ Assistant_State: expect.any(String), Engagement_Score: expect.any(Number), Meeting_Requested: false });
    expect(run.api_calls).toBeGreaterThanOrEqual(4);
  });

  it('with creation allowed, an unknown lead is created once: the next run updates or skips it, never duplicates', async () => {
    const { leadEmail } = await start();
    expect((await configure({ create_contacts: true })).status).toBe(200);
    const first = await runSync();
    expect(first).toMatchObject({ created: 1, rejected: 0 });
    const created = await contactsIn(leadEmail);
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ First_Name: 'Dana', Last_Name: 'Scully' });
    const second = await runSync();
    expect(second).toMatchObject({ created: 0, rejected: 0 });
    expect(await contactsIn(leadEmail)).toHaveLength(1);
    expect((await records(second.id, '?entity=contact')).find((row) => row.zoho_id === String(created[0]!.id))).toMatchObject({ action: 'skip', reason: 'already up to date in Zoho' });
  });

  it('companies match exactly on the chosen account-ID field; others are created only when allowed', async () => {
    await start();
    const existing = await zoho('POST', '/Accounts', { data: [{ Account_Name: 'Prospect Inc (old name)', Our_Account_ID: 'prospect.test', Owner: { id: org.repId } }] });
    const accountId = String(existing.body.data[0].details.id);
    // A near miss must not match: matching is exact.
    await zoho('POST', '/Accounts', { data: [{ Account_Name: 'Somebody else', Our_Account_ID: 'prospect.test.example', Owner: { id: org.repId } }] });
    expect((await configure({ account_id_field: 'Our_Account_ID' })).status).toBe(200);
    const run = await runSync();
    const accounts = await records(run.id, '?entity=account');
    expect(accounts.find((row) => row.our_id === 'prospect.test')).toMatchObject({ action: 'update', zoho_id: accountId, fields: { Website: 'prospect.test' } });
    expect(accounts.find((row) => row.our_id === 'newco.test')).toMatchObject({ action: 'skip', reason: 'not in Zoho, and creating Accounts is off' });

    expect((await configure({ account_id_field: 'Our_Account_ID', create_accounts: true, create_contacts: true })).status).toBe(200);
    const second = await runSync();
    const created = (await records(second.id, '?entity=account&action=create'))[0]!;
    expect(created).toMatchObject({ our_id: 'newco.test', fields: { Our_Account_ID: 'newco.test', Account_Name: 'NewCo' } });
    // The new Contact is linked to its new Account.
    const dana = (await contactsIn('dana@newco.test'))[0]!;
    expect((dana.Account_Name as { id: string }).id).toBe(String(created.zoho_id));
    // An account-ID field that is not text is refused.
    const refused = await configure({ account_id_field: 'Annual_Revenue' });
    expect(refused.status).toBe(400);
  });

  it('a segment limits the run to its records', async () => {
    await start();
    const segment = await api('POST', '/connector/segments', { name: 'Ada only', entity: 'contact', conditions: [{ property: 'email', op: 'contains', value: 'ada@' }] });
    expect(segment.status).toBe(201);
    expect((await configure({ segment_ids: [segment.body.id], mappings: [{ entity: 'contact', property: 'lead_state', zoho_field: 'Assistant_State' }] })).status).toBe(200);
    const run = await runSync();
    const contacts = await records(run.id, '?entity=contact');
    expect(contacts).toHaveLength(1);
    expect(contacts[0]).toMatchObject({ action: 'update' });
    expect(run).toMatchObject({ updated: 1, created: 0 });
    // A segment over an unknown property, or comparing a name with a number, is refused.
    const bad = await api('POST', '/connector/segments', { name: 'Bad', entity: 'contact', conditions: [{ property: 'shoe_size', op: 'gt', value: 3 }, { property: 'company', op: 'gt', value: 1 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('shoe_size is not a contact property');
  });

  it('a mapping of a text property onto a number field (or too long, or read-only) is refused when saved, with the reason', async () => {
    await start();
    const before = (await api('GET', '/connector')).body.settings;
    const refused = await configure({ mappings: [{ entity: 'contact', property: 'company', zoho_field: 'Engagement_Score' }] });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('MAPPING_INCOMPATIBLE');
    expect(refused.body.error.message).toContain('company is a string and Contacts.Engagement_Score is a integer field');
    const tooShort = await configure({ mappings: [{ entity: 'account', property: 'name', zoho_field: 'Short_Code' }] });
    expect(tooShort.body.error.message).toContain('name can be 200 characters long; Accounts.Short_Code holds 10');
    const readOnly = await configure({ mappings: [{ entity: 'contact', property: 'company', zoho_field: 'Created_Time' }] });
    expect(readOnly.status).toBe(400);
    expect((await api('GET', '/connector')).body.settings).toEqual(before);
  });

  it("a dry run's counts equal the next real run's, and it writes nothing to Zoho", async () => {
    const { leadEmail } = await start();
    expect((await configure({ create_contacts: true, mappings: [{ entity: 'contact', property: 'engagement_score', zoho_field: 'Engagement_Score' }] })).status).toBe(200);
    // The connector is on: turn the schedule's first run into a dry run's comparison by running the dry run first.
    await runSql(backend.deps.db, "DELETE FROM jobs WHERE kind = 'sync'");
    const dry = await api('POST', '/connector/dry-run');
    expect(dry.status).toBe(200);
    expect(dry.body.run).toMatchObject({ dry_run: true, status: 'done' });
    // Records are named as people read them: the lead's name and email, and the Zoho record's page when there is one.
    const created = dry.body.records.find((record: { email: string | null }) => record.email === leadEmail);
    expect(created).toMatchObject({ entity: 'contact', action: 'create', email: leadEmail, name: expect.stringMatching(/\S/), zoho_url: null });
    const updated = dry.body.records.find((record: { action: string; entity: string }) => record.action === 'update' && record.entity === 'contact');
    expect(updated.zoho_url).toBe(`${backend.sandbox.url}/ui/${org.zoho.org_id}/Contacts/${updated.zoho_id}`);
    expect(await contactsIn(leadEmail)).toHaveLength(0);
    const real = await runSync();
    for (const count of ['created', 'updated', 'skipped', 'rejected']) expect(real[count]).toBe(dry.body.run[count]);
    expect(real).toMatchObject({ created: 1, updated: 3 });
  });

  it("a run through Zoho 429s and a record Zoho rejects finishes, logs Zoho's reason, and the record syncs once fixed", async () => {
    const { contacts } = await start();
    expect((await configure({})).status).toBe(200);
    await runSync();
    // A first name longer than Zoho's 40 characters: Zoho refuses that record alone.
    const lead = (await scenario.leadOf(contacts[1]!))!;
    await runSql(backend.deps.db, 'UPDATE leads SET first_name = ? WHERE id = ?', 'B'.repeat(45), lead.id);
    await runSql(backend.deps.db, 'UPDATE leads SET last_name = ? WHERE id = ?', 'Byron', (await scenario.leadOf(contacts[0]!))!.id);
    // Nothing else of ours is waiting to write (notes, status updates): the 429s meet the sync.
    await scenario.drain();
    expect(await value(backend.deps.db, "SELECT COUNT(*) FROM jobs WHERE status = 'queued' AND kind = 'flush'")).toBe(0);
    // Zoho's SDK itself tries a 429'd call three times (one call and two retries), so six 429s make the run meet two.
    await backend.sandbox.admin('POST', '/sandbox/faults', { method: 'PUT', path: '*/crm/v8/Contacts', status: 429, count: 6 });
    // The sync job's handler, attempt by attempt, as the runner retries it after each 429.
    const attempt = () => runSyncNow(backend.deps.engine.deps, orgId, { dryRun: false, trigger: 'test' });
    await expect(attempt()).rejects.toBeInstanceOf(ZohoRateLimitedError);
    await expect(attempt()).rejects.toBeInstanceOf(ZohoRateLimitedError);
    const interrupted = (await api('GET', '/connector/runs?limit=1')).body.runs[0];
    expect(interrupted).toMatchObject({ status: 'running', error: expect.stringContaining('rate limit') });
    const finished = await attempt();
    // The same run, resumed: it finishes, with the rejection and the update logged once each.
    expect(finished.run.id).toBe(interrupted.id);
    expect(finished.run).toMatchObject({ status: 'done', updated: 1, rejected: 1 });
    expect((await backend.sandbox.admin<{ faults: unknown[] }>('GET', '/sandbox/faults')).body.faults).toEqual([]);
    const run = finished.run as unknown as Json;
    const rejected = (await records(run.id, '?action=reject'))[0]!;
    expect(rejected).toMatchObject({ our_id: lead.id, zoho_id: contacts[1] });
    expect(rejected.reason).toMatch(/^Zoho refused it: INVALID_DATA .*First_Name/);
    expect((await scenario.record('Contacts', contacts[0]!)).Last_Name).toBe('Byron');

    await runSql(backend.deps.db, 'UPDATE leads SET first_name = ? WHERE id = ?', 'Benedict', lead.id);
    const later = await runSync();
    expect(later).toMatchObject({ status: 'done', updated: 1, rejected: 0 });
    expect((await scenario.record('Contacts', contacts[1]!)).First_Name).toBe('Benedict');
  });

  it('a change to a lead asks for a sync two minutes later (debounced); the schedule runs it otherwise; off means no runs', async () => {
    const { contacts } = await start();
    const mappings = [{ entity: 'contact', property: 'lead_state', zoho_field: 'Assistant_State' }];
    expect((await configure({ schedule_minutes: 30, mappings })).status).toBe(200);
    await runSync();
    const syncAt = () => value<number>(backend.deps.db, "SELECT run_at FROM jobs WHERE kind = 'sync' AND status = 'queued'");
    // After a run, the next one is the schedule's.
    expect((await syncAt())! - backend.sandbox.clock.now()).toBe(30 * 60_000);
    const lead = (await scenario.leadOf(contacts[2]!))!;
    expect((await api('POST', `/leads/${lead.id}/hand-back`)).status).toBe(200);
    await backend.deps.engine.runUntilIdle();
    expect((await syncAt())! - backend.sandbox.clock.now()).toBe(2 * 60_000);
    backend.sandbox.clock.advance(2 * 60_000);
    await backend.deps.engine.runUntilIdle();
    const latest = (await api('GET', '/connector/runs?limit=1')).body.runs[0];
    expect(latest).toMatchObject({ status: 'done', trigger: 'scheduled or on change' });
    expect((await records(latest.id, '?entity=contact')).find((row) => row.our_id === lead.id)).toMatchObject({ action: 'update', fields: { Assistant_State: 'Processed' } });

    // Switched off: the queued run does nothing and no new one is asked for.
    expect((await configure({ enabled: false, mappings })).status).toBe(200);
    const runsBefore = await value(backend.deps.db, 'SELECT COUNT(*) FROM sync_runs');
    backend.sandbox.clock.advance(60 * 60_000);
    await backend.deps.engine.runUntilIdle();
    expect(await value(backend.deps.db, 'SELECT COUNT(*) FROM sync_runs')).toBe(runsBefore);
    expect((await api('POST', '/connector/run')).status).toBe(409);
  });

  it('never erases what Zoho has, takes what we lack from Zoho, does not guess between duplicates, and a free-mail domain is no company', async () => {
    const { contacts } = await start();
    // Zoho knows Ada's phone; we do not.
    expect((await zoho('PUT', `/Contacts/${contacts[0]}`, { data: [{ Phone: '+1 555 0100' }] })).status).toBe(200);
    // Two Zoho Contacts share Ben's address.
    await zoho('POST', '/Contacts', { data: [{ Last_Name: 'Twin', Email: 'ben@prospect.test', Owner: { id: org.repId } }] });
    // A lead with a Gmail address.
    const gmail = await scenario.contact({ First_Name: 'Gail', Last_Name: 'Mail', Email: 'gail.mail@gmail.com' });
    await scenario.assign('Contacts', gmail, scenario.assistantUserId);
    await scenario.settle();
    session = (await signInAsAdmin(backend, org.zoho.admin.email)).token;
    expect((await configure({ account_id_field: 'Our_Account_ID', create_accounts: true, mappings: [{ entity: 'contact', property: 'lead_state', zoho_field: 'Assistant_State' }] })).status).toBe(200);
    const run = await runSync();
    expect((await scenario.record('Contacts', contacts[0]!)).Phone).toBe('+1 555 0100');
    expect((await scenario.leadOf(contacts[0]!))!.phone).toBe('+1 555 0100');
    const all = await records(run.id);
    const ben = (await scenario.leadOf(contacts[1]!))!;
    expect(all.find((row) => row.our_id === ben.id)).toMatchObject({ action: 'skip', reason: 'ambiguous: more than one Contacts record in Zoho has ben@prospect.test' });
    expect(all.some((row) => row.entity === 'account' && row.our_id === 'gmail.com')).toBe(false);
    expect(all.find((row) => row.entity === 'account' && row.our_id === 'prospect.test')).toMatchObject({ action: 'create' });
  });
});

