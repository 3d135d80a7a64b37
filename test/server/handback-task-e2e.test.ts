import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBackend } from '../helpers/backend-harness.js';
import type { ConnectedOrg } from '../helpers/connected-org.js';
import { type Scenario, startWithAssistant } from '../helpers/engine-scenario.js';

/**
 * The owner's task through Zoho's own SDK against the sandbox: a Lead's task is linked by What_Id
 * with $se_module (Zoho's multi-module lookup), a Contact's by Who_Id; a 500 on the create is
 * retried after looking for the task by COQL, and one task arrives.
 */

let backend: TestBackend;
let org: ConnectedOrg;
let scenario: Scenario;

beforeAll(async () => {
  ({ backend, org, scenario } = await startWithAssistant());
}, 120_000);

afterAll(async () => {
  await backend?.stop();
});

const crm = (method: string, path: string, body?: unknown) => backend.sandbox.crm(scenario.zohoToken, method, path, body, org.zoho.api_domain);

async function tasksOf(recordId: string): Promise<Record<string, unknown>[]> {
  const answer = await crm('POST', '/coql', { select_query: `select id, Subject, Due_Date, Owner, What_Id, Who_Id, Description from Tasks where What_Id = '${recordId}' or Who_Id = '${recordId}' limit 10` });
  return answer.status === 204 ? [] : (answer.body.data as Record<string, unknown>[]);
}

async function handBackNow(module: string, recordId: string): Promise<void> {
  await scenario.assign(module, recordId, scenario.assistantUserId);
  await scenario.settle();
  const lead = (await scenario.leadOf(recordId))!;
  expect(lead.status).toBe('active');
  expect((await org.api('POST', `/leads/${lead.id}/hand-back`)).status).toBe(200);
  for (let round = 0; round < 10; round += 1) {
    await scenario.settle();
    if (!(await scenario.advanceToNextWork(60 * 60 * 1000))) break;
  }
}

describe('the owner task at handback, through the SDK', () => {
  it("a Lead's task is linked by What_Id and $se_module, owned by the previous owner; a 500 on the create still makes one", async () => {
    const created = await crm('POST', '/Leads', { data: [{ First_Name: 'Hannah', Last_Name: 'Weber', Company: 'Weber Metallbau', Email: 'hannah@weber.test', Owner: { id: org.repId } }] });
    expect(created.status).toBe(201);
    const leadId = String(created.body.data[0].details.id);
    await backend.sandbox.admin('POST', '/sandbox/faults', { method: 'POST', path: '/crm/v8/Tasks', status: 500, count: 1 });
    await handBackNow('Leads', leadId);
    // The 500 was served (a spent fault leaves the list), and the retry made the one task.
    expect((await backend.sandbox.admin<{ faults: unknown[] }>('GET', '/sandbox/faults')).body.faults).toEqual([]);
    const tasks = await tasksOf(leadId);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ Subject: 'Follow up with Hannah Weber', Owner: { id: org.repId }, What_Id: { id: leadId } });
    const full = (await crm('GET', `/Tasks/${String(tasks[0]!.id)}`)).body.data[0] as Record<string, unknown>;
    expect(full.$se_module).toBe('Leads');
    expect(full.What_Id).toMatchObject({ id: leadId, name: 'Hannah Weber' });
    expect(String(full.Description)).toContain('Why: Handed back from the record widget.');
  }, 60_000);

  it("a Contact's task is linked by Who_Id", async () => {
    const recordId = await scenario.contact({ First_Name: 'Pierre', Last_Name: 'Martin' });
    await handBackNow('Contacts', recordId);
    const tasks = await tasksOf(recordId);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ Subject: 'Follow up with Pierre Martin', Who_Id: { id: recordId } });
  }, 60_000);
});
