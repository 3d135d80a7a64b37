import type { DnsResolver } from '../../server/src/mail/authentication.js';
import { FLUSH_DELAY_MS } from '../../server/src/engine/effects.js';
import type { Lead } from '../../server/src/db/leads.js';
import { type TestBackend, startTestBackend } from './backend-harness.js';
import { type ConnectedOrg, connectOrg } from './connected-org.js';
import type { Json } from './sandbox-client.js';
import { row, value } from './store.js';

export interface Scenario {
  assistant: Json;
  assistantUserId: string;
  zohoToken: string;
  /** The lead row for a record, if any. */
  leadOf(recordId: string): Promise<Lead | undefined>;
  /** Creates a Contact owned by the org's sales rep. */
  contact(fields?: Record<string, unknown>): Promise<string>;
  /** Assigns a record to a user through Zoho's API (as a salesperson would in Zoho). */
  assign(module: string, recordId: string, userId: string): Promise<void>;
  /** Waits for the sandbox's notifications to arrive, then runs the engine until it is idle. */
  settle(): Promise<void>;
  /** Lets queued notes and record updates go out (moves the clock by at most the flush delay). */
  drain(): Promise<void>;
  /** Moves the clock to the next due job (at most `maxDays` ahead) and runs it, then drains. */
  advanceToNextWork(maxMs?: number): Promise<boolean>;
  notes(module: string, recordId: string): Promise<Json[]>;
  record(module: string, recordId: string): Promise<Json>;
}

/** An authorized org with an assistant that exists as a Zoho user, ready to be assigned records. */
export async function setUpAssistant(backend: TestBackend, org: ConnectedOrg, overrides: Record<string, unknown> = {}): Promise<Scenario> {
  const email = `nova.${org.zoho.org_id}@assist.test`;
  const user = await backend.sandbox.admin<{ id: string }>('POST', `/sandbox/orgs/${org.zoho.org_id}/users`, { first_name: 'Nova', last_name: 'Assistant', email });
  const created = await org.api('POST', '/assistants', {
    name: 'Nova',
    mailbox_email: email,
    default_context: 'We help mid-size manufacturers cut energy costs with smart metering.',
    signature: 'Nova\nAcme Energy',
    nurture_lines: ['Acme customers save 18% on energy in the first year.', 'Setup takes one afternoon.'],
    postal_address: 'Acme Energy, 1 Main St, Springfield',
    ...overrides,
  });
  if (created.status !== 201) throw new Error(`assistant not created: ${JSON.stringify(created.body)}`);
  const zohoToken = (await backend.sandbox.token(org.zoho)).access_token;
  const engine = backend.deps.engine;
  const crm = (method: string, path: string, body?: unknown) => backend.sandbox.crm(zohoToken, method, path, body, org.zoho.api_domain);
  let tokenAt = backend.sandbox.clock.now();
  const fresh = async () => {
    if (backend.sandbox.clock.now() - tokenAt > 50 * 60 * 1000) {
      scenario.zohoToken = (await backend.sandbox.token(org.zoho)).access_token;
      tokenAt = backend.sandbox.clock.now();
    }
    return scenario.zohoToken;
  };
  const scenario: Scenario = {
    assistant: created.body,
    assistantUserId: user.body.id,
    zohoToken,
    leadOf: (recordId) => backend.deps.db.selectFrom('leads').selectAll().where('zoho_record_id', '=', recordId).executeTakeFirst(),
    async contact(fields = {}) {
      const response = await backend.sandbox.crm(await fresh(), 'POST', '/Contacts', { data: [{ First_Name: 'Jane', Last_Name: 'Doe', Email: `jane.${Math.random().toString(36).slice(2)}@prospect.test`, Owner: { id: org.repId }, ...fields }] }, org.zoho.api_domain);
      if (response.status !== 201) throw new Error(`contact not created: ${JSON.stringify(response.body)}`);
      return response.body.data[0].details.id as string;
    },
    async assign(module, recordId, userId) {
      const response = await backend.sandbox.crm(await fresh(), 'POST', `/${module}/${recordId}/actions/change_owner`, { owner: { id: userId } }, org.zoho.api_domain);
      if (response.status !== 200) throw new Error(`owner change failed: ${JSON.stringify(response.body)}`);
    },
    async settle() {
      await backend.sandbox.sandbox.deps.notifier.idle();
      await engine.runUntilIdle();
      // Notes and field updates wait a little to be batched; let them go.
      await scenario.drain();
    },
    async advanceToNextWork(maxMs = 30 * 24 * 60 * 60 * 1000) {
      const at = (await row<{ at: number | null }>(backend.deps.db, "SELECT MIN(run_at) AS at FROM jobs WHERE status = 'queued' AND kind NOT IN ('sweep', 'renew', 'mailbox')"))?.at ?? null;
      if (at === null || at - backend.sandbox.clock.now() > maxMs) return false;
      if (at > backend.sandbox.clock.now()) backend.sandbox.clock.set(at);
      await engine.runUntilIdle();
      await scenario.drain();
      return true;
    },
    async drain() {
      // Batched notes and updates queued by what just ran go out before anyone looks at Zoho.
      for (let round = 0; round < 5; round += 1) {
        const flush = (await value<number | null>(backend.deps.db, "SELECT MIN(run_at) AS at FROM jobs WHERE status = 'queued' AND kind = 'flush'")) ?? null;
        if (flush === null || flush - backend.sandbox.clock.now() > FLUSH_DELAY_MS) return;
        if (flush > backend.sandbox.clock.now()) backend.sandbox.clock.set(flush);
        await engine.runUntilIdle();
      }
    },
    async notes(module, recordId) {
      const response = await backend.sandbox.crm(await fresh(), 'GET', `/${module}/${recordId}/Notes?fields=Note_Title,Note_Content`, undefined, org.zoho.api_domain);
      return response.status === 204 ? [] : (response.body.data as Json[]);
    },
    async record(module, recordId) {
      return (await backend.sandbox.crm(await fresh(), 'GET', `/${module}/${recordId}`, undefined, org.zoho.api_domain)).body.data[0];
    },
  };
  void crm;
  return scenario;
}

/** What most engine tests start from: the backend on a sandbox, an authorized org, and an assistant ready to be assigned records. */
export async function startWithAssistant(options: { env?: Record<string, string>; assistant?: Record<string, unknown>; dnsResolver?: DnsResolver } = {}): Promise<{ backend: TestBackend; org: ConnectedOrg; scenario: Scenario }> {
  const backend = await startTestBackend({ ...(options.env ? { env: options.env } : {}), ...(options.dnsResolver ? { dnsResolver: options.dnsResolver } : {}) });
  const org = await connectOrg(backend);
  const scenario = await setUpAssistant(backend, org, options.assistant ?? {});
  return { backend, org, scenario };
}
