import { afterEach, describe, expect, it } from 'vitest';
import { createReferral } from '../../server/src/engine/referrals.js';
import { ZohoUnavailableError } from '../../server/src/zoho/errors.js';
import type { TestBackend } from '../helpers/backend-harness.js';
import type { ConnectedOrg } from '../helpers/connected-org.js';
import { type Scenario, startWithAssistant } from '../helpers/engine-scenario.js';
import { replyTo } from '../helpers/replies.js';
import type { CapturedMail } from '../helpers/smtp-sink.js';
import { row, rows } from '../helpers/store.js';
import { crashAt } from '../helpers/crash-at.js';

/**
 * A referral's Zoho writes go through the outbox: the referred person is a `create` row, and a
 * create whose outcome we never heard (a timeout, a crash between Zoho's answer and our write) is
 * looked for in Zoho by the person's email before it is sent again. So the person is created once,
 * and the two notes are written once.
 */
const INBOUND_TOKEN = 'inbound-webhook-token-for-tests-0123456789';
const MARIA = 'maria.lopez@brightline.test';
const REPLY = `I'm not the right person for this. Please reach out to Maria Lopez (${MARIA}), our facilities manager; she handles energy.\n\nBest,\nJane Doe`;

let backend: TestBackend;
let org: ConnectedOrg;
let scenario: Scenario;

afterEach(async () => {
  await backend.stop();
});

async function start(): Promise<void> {
  ({ backend, org, scenario } = await startWithAssistant({ env: { INBOUND_WEBHOOK_TOKEN: INBOUND_TOKEN } }));
}

async function zoho(method: string, path: string, body?: unknown) {
  const token = (await backend.sandbox.token(org.zoho)).access_token;
  return backend.sandbox.crm(token, method, path, body, org.zoho.api_domain);
}

/** A Contact on an account, assigned to the assistant, with its first email out. */
async function leadWithFirstEmail(): Promise<{ recordId: string; accountId: string; mail: CapturedMail }> {
  const account = await zoho('POST', '/Accounts', { data: [{ Account_Name: 'Brightline Plastics', Owner: { id: org.repId } }] });
  const accountId = account.body.data[0].details.id as string;
  const recordId = await scenario.contact({ Account_Name: { id: accountId } });
  await scenario.assign('Contacts', recordId, scenario.assistantUserId);
  await scenario.settle();
  for (let round = 0; round < 10 && backend.smtp.messages.length === 0; round += 1) await scenario.advanceToNextWork();
  expect(backend.smtp.messages).toHaveLength(1);
  return { recordId, accountId, mail: backend.smtp.messages[0]! };
}

/** Stores a reply through the inbound webhook (the engine is not run). */
async function receive(raw: string): Promise<void> {
  const response = await fetch(`${backend.url}/webhooks/inbound`, { method: 'POST', headers: { authorization: `Bearer ${INBOUND_TOKEN}`, 'content-type': 'message/rfc822' }, body: raw });
  expect(response.status).toBe(202);
}

async function mariaInZoho(): Promise<string[]> {
  const found = await zoho('GET', `/Contacts/search?email=${MARIA}`);
  return found.status === 204 ? [] : (found.body.data as { id: string }[]).map((record) => String(record.id));
}

const referral = () => row<{ id: number; org_id: string; status: string; zoho_record_id: string | null }>(backend.deps.db, 'SELECT id, org_id, status, zoho_record_id FROM referrals');
const createRow = () => row<{ status: string; external_id: string | null; attempts: number }>(backend.deps.db, "SELECT status, external_id, attempts FROM outbox WHERE kind = 'create'");

/** Runs retries until the referral is settled (or nothing is left to run). */
async function untilSettled(): Promise<void> {
  for (let round = 0; round < 20 && (await referral())?.status === 'pending'; round += 1) {
    if (!(await scenario.advanceToNextWork())) break;
  }
  await scenario.drain();
}

/** Maria once, as created (not "found"), with the referral's two notes once each. */
async function expectCreatedOnce(recordId: string, accountId: string): Promise<void> {
  const maria = await mariaInZoho();
  expect(maria).toHaveLength(1);
  const created = await scenario.record('Contacts', maria[0]!);
  expect(created).toMatchObject({ First_Name: 'Maria', Last_Name: 'Lopez', Email: MARIA });
  expect(created.Owner.id).toBe(org.repId);
  expect(created.Account_Name.id).toBe(accountId);
  expect(await referral()).toMatchObject({ status: 'created', zoho_record_id: maria[0] });
  const create = (await createRow())!;
  expect(create).toMatchObject({ status: 'done', external_id: maria[0] });
  // Claimed once: the retry looked Maria up instead of sending the create again.
  expect(Number(create.attempts)).toBe(1);

  const onMaria = await scenario.notes('Contacts', maria[0]!);
  expect(onMaria.map((note) => note.Note_Title)).toEqual(['Referred by Jane Doe']);
  expect(String(onMaria[0]!.Note_Content)).not.toContain('already existed');
  const onLead = (await scenario.notes('Contacts', recordId)).filter((note) => String(note.Note_Title).startsWith('Referral:'));
  expect(onLead.map((note) => note.Note_Title)).toEqual(['Referral: Maria Lopez']);
  expect(String(onLead[0]!.Note_Content)).toMatch(/^Created Contacts Maria Lopez <maria\.lopez@brightline\.test> in Zoho/);
  expect(await rows(backend.deps.db, "SELECT idempotency_key, status FROM outbox WHERE idempotency_key LIKE 'note:referral:%' ORDER BY idempotency_key")).toEqual([
    { idempotency_key: expect.stringMatching(/^note:referral:\d+:source$/), status: 'done' },
    { idempotency_key: expect.stringMatching(/^note:referral:\d+:target$/), status: 'done' },
  ]);
}

describe('referrals through the outbox', () => {
  it('a create that timed out after Zoho made the record: the retry finds the person by email, creates nobody twice, notes once', async () => {
    await start();
    const { recordId, accountId, mail } = await leadWithFirstEmail();
    // Zoho creates Maria, but the answer never reaches us: the gateway reports a timeout.
    const gateway = backend.deps.engine.deps.gateway;
    const createRecords = gateway.createRecords.bind(gateway);
    let creates = 0;
    gateway.createRecords = async (...args) => {
      // The owner's task at the handback is a create too; only the referral's are counted.
      if (args[1] === 'Tasks') return createRecords(...args);
      creates += 1;
      const results = await createRecords(...args);
      if (creates === 1) throw new ZohoUnavailableError('Zoho did not answer in time');
      return results;
    };
    await receive(replyTo(mail, REPLY, { at: backend.sandbox.clock.now() }));
    // Only what is due now: the reply, then the referral, whose retry waits for its backoff.
    await backend.deps.engine.runUntilIdle();
    expect(creates).toBe(1);
    expect(await mariaInZoho()).toHaveLength(1);
    expect(await referral()).toMatchObject({ status: 'pending' });
    expect(await createRow()).toMatchObject({ status: 'sending', external_id: null });

    await untilSettled();
    expect(creates).toBe(1);
    await expectCreatedOnce(recordId, accountId);

    // The job again (a duplicate run, a lapsed lease): nothing more is written.
    const settled = (await referral())!;
    await createReferral(backend.deps.engine.deps, settled.org_id, Number(settled.id));
    await scenario.drain();
    expect(creates).toBe(1);
    await expectCreatedOnce(recordId, accountId);
  });

  it('killed after Zoho created the person, before we recorded it: the restart finds her, creates nobody twice, notes once', async () => {
    await start();
    const { recordId, accountId, mail } = await leadWithFirstEmail();
    await receive(replyTo(mail, REPLY, { at: backend.sandbox.clock.now() }));
    // INBOUND_AUTH off, as the test backend: these replies are our own, unsigned.
    const crash = await crashAt(backend, 'after-create', { INBOUND_AUTH: 'off' });
    expect(crash.signal, crash.output).toBe('SIGKILL');
    expect(await mariaInZoho()).toHaveLength(1);
    expect(await createRow()).toMatchObject({ status: 'sending', external_id: null });

    // The dead process's lease on the referral job lapses; the restart takes it over.
    backend.sandbox.clock.advance(6 * 60 * 1000);
    await backend.deps.engine.runUntilIdle();
    await untilSettled();
    await expectCreatedOnce(recordId, accountId);
  });
});

