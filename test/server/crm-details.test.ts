import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestBackend, startTestBackend } from '../helpers/backend-harness.js';
import { type ConnectedOrg, connectOrg } from '../helpers/connected-org.js';
import { row } from '../helpers/store.js';

let backend: TestBackend;
let org: ConnectedOrg;

beforeAll(async () => {
  backend = await startTestBackend();
  org = await connectOrg(backend);
});

afterAll(async () => {
  await backend.stop();
});

const assistant = {
  name: 'Nova',
  mailbox_email: 'nova@assist.test',
  default_context: 'We help mid-size manufacturers cut energy costs with smart metering.',
  signature: 'Nova, on behalf of the Acme team',
  nurture_lines: ['Acme customers save 18% on energy in the first year.'],
};

describe('CRM Details', () => {
  it('moves through all four statuses, and Refresh picks up a Zoho user created after the assistant', async () => {
    const empty = await org.api('GET', '/crm-details');
    expect(empty.status).toBe(200);
    expect(empty.body.assistants).toEqual([expect.objectContaining({ status: 'ASSISTANT_NOT_YET_CREATED', action: expect.stringContaining('Create an assistant') })]);
    expect(empty.body.org).toMatchObject({ authorization: 'active', dataCentre: 'us', zohoOrgId: org.zoho.org_id });
    expect(empty.body.org.notificationChannel.expired).toBe(false);

    const created = await org.api('POST', '/assistants', assistant);
    expect(created.status).toBe(201);
    const missing = await org.api('POST', '/crm-details/refresh');
    expect(missing.body.assistants).toEqual([expect.objectContaining({ name: 'Nova', status: 'ASSISTANT_DOES_NOT_EXISTS_AS_USER_IN_CRM' })]);
    expect(missing.body.assistants[0].action).toContain('Add a Zoho CRM user');

    const user = await backend.sandbox.admin<{ id: string }>('POST', `/sandbox/orgs/${org.zoho.org_id}/users`, { first_name: 'Nova', last_name: 'Assistant', email: 'nova@assist.test' });
    expect(user.status).toBe(201);
    // Not re-checked until Refresh.
    expect((await org.api('GET', '/crm-details')).body.assistants[0].status).toBe('ASSISTANT_DOES_NOT_EXISTS_AS_USER_IN_CRM');
    const ready = await org.api('POST', '/crm-details/refresh');
    expect(ready.body.assistants[0]).toMatchObject({ status: 'ASSISTANT_EXISTS_AS_USER_IN_CRM', zohoUserId: user.body.id, ownedRecords: 0 });

    const token = (await backend.sandbox.token(org.zoho)).access_token;
    await backend.sandbox.crm(token, 'POST', '/Contacts', { data: [{ Last_Name: 'Assigned', Owner: { id: user.body.id } }] });
    const working = await org.api('POST', '/crm-details/refresh');
    expect(working.body.assistants[0]).toMatchObject({ status: 'ALL_WORKING_WELL', ownedRecords: 1, meaning: expect.stringContaining('working') });
    expect(Object.keys(working.body.statuses).sort()).toEqual(['ALL_WORKING_WELL', 'ASSISTANT_DOES_NOT_EXISTS_AS_USER_IN_CRM', 'ASSISTANT_EXISTS_AS_USER_IN_CRM', 'ASSISTANT_NOT_YET_CREATED']);
  });

  it('says when Zoho access is lost, and asks for re-authorization', async () => {
    const lost = await connectOrg(backend);
    const lostOrg = (await row<{ id: string }>(backend.deps.db, 'SELECT id FROM orgs WHERE zoho_org_id = ?', lost.zoho.org_id))!;
    const refresh = (await backend.deps.vault.refreshTokenOf(lostOrg.id))!;
    await fetch(`${backend.sandbox.url}/oauth/v2/token/revoke?token=${encodeURIComponent(refresh)}`, { method: 'POST' });
    backend.sandbox.clock.advance(61 * 60 * 1000);
    const refreshed = await lost.api('POST', '/crm-details/refresh');
    expect(refreshed.status).toBe(409);
    expect(refreshed.body.error).toMatchObject({ code: 'ORG_NOT_AUTHORIZED', message: expect.stringContaining('authorize again') });
    const details = await lost.api('GET', '/crm-details');
    expect(details.status).toBe(200);
    expect(details.body.org).toMatchObject({ authorization: 'authorization_expired', authorizationProblem: expect.stringContaining('invalid_code') });
  });
});

describe('assistants and sequences', () => {
  it('validates input and reports every problem', async () => {
    const bad = await org.api('POST', '/assistants', { name: '', mailbox_email: 'not-an-email', default_context: 'x', time_zone: 'Mars/Olympus', business_hours: { start: '18:00', end: '09:00' }, daily_cap: 0, extra: true });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const paths = bad.body.error.details.map((issue: { path: string }) => issue.path);
    for (const path of ['name', 'mailbox_email', 'time_zone', 'daily_cap']) expect(paths).toContain(path);
    const duplicate = await org.api('POST', '/assistants', { ...assistant });
    expect(duplicate.status).toBe(409);
  });

  it('keeps a Recommended default sequence and custom ones with ordered steps', async () => {
    const listed = await org.api('GET', '/sequences');
    expect(listed.body.sequences.map((sequence: { name: string; is_default: boolean }) => [sequence.name, sequence.is_default])).toEqual([['Recommended', true]]);
    const recommended = listed.body.sequences[0];
    expect(recommended.steps.map((step: { after_days: number }) => step.after_days)).toEqual([0, 3, 5, 7]);
    const created = await org.api('POST', '/sequences', {
      name: 'Event follow-up',
      steps: [
        { after_days: 0, mode: 'custom', subject: 'Great to meet you at {{event}}', body: 'Hi {{first_name}}, ...' },
        { after_days: 4 },
      ],
    });
    expect(created.status).toBe(201);
    expect(created.body.steps).toEqual([
      { after_days: 0, mode: 'custom', subject: 'Great to meet you at {{event}}', body: 'Hi {{first_name}}, ...' },
      { after_days: 4, mode: 'generated', subject: null, body: null },
    ]);
    expect((await org.api('POST', '/sequences', { name: 'Broken', steps: [{ after_days: 1, mode: 'custom' }] })).status).toBe(400);
    expect((await org.api('DELETE', `/sequences/${recommended.id}`)).status).toBe(409);
    // Editing without is_default leaves it as it is; clearing the only default is refused.
    const edited = await org.api('PUT', `/sequences/${recommended.id}`, { name: 'Recommended', steps: recommended.steps });
    expect(edited.body.is_default).toBe(true);
    expect((await org.api('PUT', `/sequences/${recommended.id}`, { name: 'Recommended', steps: recommended.steps, is_default: false })).status).toBe(409);
    const made = await org.api('PUT', `/sequences/${created.body.id}`, { name: 'Event follow-up', steps: [{ after_days: 1 }], is_default: true });
    expect(made.body.is_default).toBe(true);
    expect((await org.api('GET', `/sequences/${recommended.id}`)).body.is_default).toBe(false);
    const assistants = (await org.api('GET', '/assistants')).body.assistants;
    const updated = await org.api('PUT', `/assistants/${assistants[0].id}`, { ...assistant, default_sequence_id: created.body.id, daily_cap: 50 });
    expect(updated.body).toMatchObject({ default_sequence_id: created.body.id, daily_cap: 50 });
  });
});
