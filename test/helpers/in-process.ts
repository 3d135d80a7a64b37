import { resolve } from 'node:path';
import type { Hono } from 'hono';
import { createApp } from '../../server/src/app.js';
import { AdminSessions } from '../../server/src/auth/admin-sessions.js';
import { SqliteTokenVault } from '../../server/src/auth/token-vault.js';
import { type FieldRole, saveChannel, saveOrgField, setWidgetKeyHash } from '../../server/src/db/org-setup.js';
import { type OrgRow, upsertAuthorizedOrg } from '../../server/src/db/orgs.js';
import { ensureRecommendedSequence } from '../../server/src/db/sequences.js';
import { type Db, type Store, transaction } from '../../server/src/db/store.js';
import { LEAD_STATES } from '../../server/src/domain/lead-states.js';
import { WORKED_MODULES } from '../../server/src/domain/modules.js';
import type { Composer } from '../../server/src/engine/composer.js';
import { TemplateComposer } from '../../server/src/engine/writing/writer.js';
import { FLUSH_DELAY_MS } from '../../server/src/engine/effects.js';
import { Engine, type Lead } from '../../server/src/engine/engine.js';
import type { Mailer, OutgoingEmail } from '../../server/src/engine/mailer.js';
import type { AppDeps, AppEnv } from '../../server/src/http/context.js';
import { type Clock, ManualClock } from '../../server/src/lib/clock.js';
import { createLogger } from '../../server/src/lib/logger.js';
import { TokenCipher, randomToken, sha256 } from '../../server/src/lib/token-cipher.js';
import { buildReply } from '../../server/src/replies/reply-message.js';
import { CHANNEL_LIFETIME_MS, FIELD_LABELS, renewChannelIfExpiring } from '../../server/src/services/org-setup.js';
import type { ZohoRecord } from '../../server/src/zoho/gateway.js';
import { ZohoOAuthClient } from '../../server/src/zoho/oauth-client.js';
import { type FakeUser, FakeZohoGateway, type FakeZohoOrg, type PendingNotification, type StoredNote } from './fake-zoho.js';
import type { Json } from './sandbox-client.js';
import { testStore, value } from './store.js';

/**
 * The in-process test tier: the real app (createApp) and the real Engine over the test store
 * (SQLite in memory, or a fresh PostgreSQL database in the postgres project), with a ManualClock,
 * a fake Zoho (fake-zoho.ts), a recording mailer and the real TokenCipher. Requests go through
 * app.request(); nothing listens on a socket, no sandbox, SMTP sink or SDK worker runs.
 */

export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7);
export const ADMIN_TOKEN = 'operator-token-for-in-process-tests-0123456789';
export const INBOUND_TOKEN = 'inbound-token-for-in-process-tests-0123456789';
export const PUBLIC_URL = 'https://assistant.example.test';
const DAY_MS = 24 * 60 * 60 * 1000;

export interface SentEmail extends OutgoingEmail {
  at: number;
}

/**
 * A Mailer that keeps what it is given. It claims every email as an SMTP server ready for DATA
 * would, and answers as a 250 would; `failNext` makes it fail before the claim (the server could not
 * be reached) or after it (the server refused the message with `responseCode`).
 */
export class RecordingMailer implements Mailer {
  readonly sent: SentEmail[] = [];
  /** Emails whose claim answered false (suppressed, or already claimed): not sent. */
  readonly withheld: OutgoingEmail[] = [];
  private readonly failures: { stage: 'connect' | 'data'; responseCode?: number }[] = [];

  constructor(private readonly clock: Clock) {}

  failNext(failure: { stage: 'connect' | 'data'; responseCode?: number }): void {
    this.failures.push(failure);
  }

  async send(email: OutgoingEmail, claim: () => Promise<boolean>): Promise<void> {
    const failure = this.failures.shift();
    if (failure?.stage === 'connect') throw Object.assign(new Error('connect ECONNREFUSED (RecordingMailer)'), { code: 'ECONNREFUSED' });
    if (!(await claim())) {
      this.withheld.push(email);
      return;
    }
    if (failure?.stage === 'data') throw Object.assign(new Error(`${failure.responseCode ?? 451} refused (RecordingMailer)`), { responseCode: failure.responseCode ?? 451 });
    this.sent.push({ ...email, at: this.clock.now() });
  }

  to(address: string): SentEmail[] {
    return this.sent.filter((email) => email.to.toLowerCase() === address.toLowerCase());
  }
}

export interface ApiResponse {
  status: number;
  body: Json;
}

export interface Delivery {
  notification: PendingNotification;
  status: number;
  body: Json;
}

export interface SeededOrg {
  row: OrgRow;
  zoho: FakeZohoOrg;
  /** The administrator who authorized (whose token the backend holds). */
  admin: FakeUser;
  /** A salesperson: the owner of the records tests create. */
  rep: FakeUser;
  widgetKey: string;
  channel: { id: string; token: string };
  /** A fresh admin session (X-Admin-Session), as the settings tab holds after "Sign in as administrator". */
  adminSession(): string;
  /** /api as the widget calls it: the org's widget key, and an admin session unless `session: null`. */
  api(method: string, path: string, body?: unknown, options?: { session?: string | null; key?: string | null }): Promise<ApiResponse>;
  /** Adds the assistant's Zoho user (as an admin would in Zoho) and creates the assistant through the API. */
  addAssistant(overrides?: Record<string, unknown>): Promise<AddedAssistant>;
  /** A Contact owned by the rep, made in Zoho (its insert notification waits for the next settle). */
  contact(fields?: Record<string, unknown>): string;
  /** Changes the record's owner in Zoho, delivers Zoho's notification to /webhooks/zoho and runs the engine until idle. */
  assign(recordId: string, userId: string, by?: FakeUser): Promise<Delivery[]>;
  /** The record as the gateway reads it. */
  record(recordId: string): ZohoRecord;
  notes(recordId: string): StoredNote[];
  noteTitles(recordId: string): string[];
  leadOf(recordId: string): Promise<Lead | undefined>;
  /** The lead's reply to one of our emails, delivered to /webhooks/inbound, then settled. */
  reply(email: SentEmail, body: string, options?: { headers?: Record<string, string> }): Promise<ApiResponse>;
}

export interface AddedAssistant {
  assistant: Json;
  user: FakeUser;
}

export interface InProcess {
  app: Hono<AppEnv>;
  deps: AppDeps;
  engine: Engine;
  db: Db;
  store: Store;
  clock: ManualClock;
  zoho: FakeZohoGateway;
  mailer: RecordingMailer;
  logLines: string[];
  /** Every notification delivered to the app, and its answer. */
  deliveries: Delivery[];
  request(path: string, init?: RequestInit): Promise<Response>;
  authorizedOrg(options?: { companyName?: string }): Promise<SeededOrg>;
  /** Delivers Zoho's pending notifications through /webhooks/zoho; answers the deliveries. */
  deliverNotifications(): Promise<Delivery[]>;
  /**
   * Until nothing is left to do now: delivers notifications, runs the engine until idle, and lets
   * batched notes and record updates go out (moving the clock by at most FLUSH_DELAY_MS).
   */
  settle(): Promise<void>;
  /** Moves the clock to the next due lead work (not sweeps, renewals, mailboxes), at most `maxMs` ahead, and settles. */
  advanceToNextWork(maxMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

let orgCounter = 0;

/** Most in-process tests start here: a fresh world with one authorized org and its assistant, Nova. */
export async function startWithAssistant(): Promise<{ world: InProcess; org: SeededOrg; nova: AddedAssistant }> {
  const world = await startInProcess();
  const org = await world.authorizedOrg();
  return { world, org, nova: await org.addAssistant() };
}

export async function startInProcess(options: { start?: string; composer?: Composer } = {}): Promise<InProcess> {
  const clock = new ManualClock(options.start);
  const store = await testStore();
  const db = store.db;
  const logLines: string[] = [];
  const logger = createLogger('info', (line) => logLines.push(line), {}, () => clock.now());
  const cipher = new TokenCipher(TEST_ENCRYPTION_KEY);
  const vault = new SqliteTokenVault(db, cipher, clock);
  const zoho = new FakeZohoGateway(clock);
  const mailer = new RecordingMailer(clock);
  const deps: AppDeps = {
    db,
    clock,
    logger,
    gateway: zoho,
    oauth: new ZohoOAuthClient({ clientId: '1000.INPROCESSTESTS', clientSecret: 'in-process-client-secret', fetch: async () => Promise.reject(new Error('no Zoho Accounts in the in-process tier')) }),
    vault,
    cipher,
    config: {
      publicUrl: PUBLIC_URL,
      zohoClientId: '1000.INPROCESSTESTS',
      zohoAccountsUrl: 'https://accounts.zoho.com',
      zohoSandboxUrl: undefined,
      adminToken: ADMIN_TOKEN,
      widgetOrigins: [],
      widgetKeyVariable: 'salesassist__Widget_Key',
      backendUrlVariable: 'salesassist__Backend_Url',
      widgetDir: resolve('app'),
      inboundToken: INBOUND_TOKEN,
      mailboxPrivateHosts: false,
      rateLimits: { oauth: 0, webhook: 0, unsubscribe: 0, api: 0, trustProxy: false, oauthLiveStates: 10_000 },
    },
    engine: undefined as unknown as Engine,
  };
  const engine = new Engine(
    {
      db,
      clock,
      zohoClock: clock,
      logger,
      gateway: zoho,
      cipher,
      mailer,
      composer: options.composer ?? new TemplateComposer(),
      publicUrl: () => deps.config.publicUrl,
      mailboxPrivateHosts: false,
      inboundAuth: 'off',
      retention: { rawMailDays: 90, inboxDays: 14, doneJobsDays: 30 },
      renewChannel: async (orgId) => void (await renewChannelIfExpiring(deps, orgId)),
    },
    { concurrency: 1, random: () => 0.5 },
  );
  deps.engine = engine;
  const app = createApp(deps);
  const deliveries: Delivery[] = [];
  const publicOrigin = new URL(PUBLIC_URL).origin;

  const request = async (path: string, init?: RequestInit) => app.request(path, init);

  const world: InProcess = {
    app,
    deps,
    engine,
    db,
    store,
    clock,
    zoho,
    mailer,
    logLines,
    deliveries,
    request,

    async deliverNotifications() {
      const delivered: Delivery[] = [];
      for (const notification of zoho.takeNotifications()) {
        const url = new URL(notification.notifyUrl);
        if (url.origin !== publicOrigin) throw new Error(`Zoho would POST to ${notification.notifyUrl}, not to this backend (${PUBLIC_URL})`);
        const response = await request(`${url.pathname}${url.search}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json;charset=UTF-8', 'user-agent': 'Zoho-CRM-Notifications (in-process fake)' },
          body: JSON.stringify(notification.body),
        });
        const text = await response.text();
        delivered.push({ notification, status: response.status, body: text ? JSON.parse(text) : null });
      }
      deliveries.push(...delivered);
      return delivered;
    },

    async settle() {
      for (let round = 0; round < 25; round += 1) {
        const delivered = (await world.deliverNotifications()).length;
        const ran = await engine.runUntilIdle();
        const flushAt = await value<number | null>(db, "SELECT MIN(run_at) AS at FROM jobs WHERE status = 'queued' AND kind = 'flush'");
        if (flushAt !== null && flushAt !== undefined && flushAt - clock.now() <= FLUSH_DELAY_MS && (ran > 0 || delivered > 0 || flushAt > clock.now())) {
          if (flushAt > clock.now()) clock.set(flushAt);
          continue;
        }
        if (delivered === 0 && ran === 0 && zoho.pendingNotifications === 0) return;
      }
      throw new Error('settle(): the engine was still busy after 25 rounds');
    },

    async advanceToNextWork(maxMs = 30 * DAY_MS) {
      const at = await value<number | null>(db, "SELECT MIN(run_at) AS at FROM jobs WHERE status = 'queued' AND kind NOT IN ('sweep', 'renew', 'mailbox')");
      if (at === null || at === undefined || at - clock.now() > maxMs) return false;
      if (at > clock.now()) clock.set(at);
      await world.settle();
      return true;
    },

    async authorizedOrg(input = {}) {
      orgCounter += 1;
      const slug = `org${orgCounter}`;
      const zohoOrg = zoho.createOrg({ companyName: input.companyName ?? `Acme ${orgCounter}` });
      const admin = zohoOrg.addUser({ firstName: 'Ann', lastName: 'Admin', email: `ann@${slug}.test`, isAdmin: true });
      const rep = zohoOrg.addUser({ firstName: 'Sam', lastName: 'Sales', email: `sam@${slug}.test` });
      const now = clock.now();
      // What the OAuth callback stores (services/connect-org.ts), through the same repositories.
      const row = await transaction(db, async (tx) => {
        const created = await upsertAuthorizedOrg(
          tx,
          { zohoOrgId: zohoOrg.zgid, name: zohoOrg.companyName, dc: 'us', accountsServer: 'https://accounts.zoho.com', apiDomain: zohoOrg.apiDomain, userId: admin.id, userEmail: admin.email, scopes: 'ZohoCRM.modules.ALL' },
          now,
        );
        await vault.storeNewTokens(created.id, { refreshToken: `1000.refresh-${zohoOrg.zgid}`, accessToken: zohoOrg.accessToken, expiresAt: now + 60 * 60 * 1000 }, tx);
        await ensureRecommendedSequence(tx, created.id, now);
        return created;
      });
      zoho.bind(row.id, zohoOrg);
      // What setup leaves in Zoho and here (services/org-setup.ts): the three fields on each worked module…
      for (const module of WORKED_MODULES) {
        const roles = Object.keys(FIELD_LABELS) as FieldRole[];
        zohoOrg.addFields(
          module,
          roles.map((role) =>
            role === 'context'
              ? { label: FIELD_LABELS.context, dataType: 'textarea' as const, length: 2000 }
              : role === 'sequence'
                ? { label: FIELD_LABELS.sequence, dataType: 'picklist' as const, picklistValues: ['-None-', 'Recommended'] }
                : { label: FIELD_LABELS.status, dataType: 'picklist' as const, picklistValues: ['-None-', ...LEAD_STATES] },
          ),
        );
        for (const role of roles) {
          const made = zohoOrg.fieldsOf(module).find((entry) => entry.label === FIELD_LABELS[role])!;
          await saveOrgField(db, { org_id: row.id, module, role, api_name: made.apiName, field_label: made.label, data_type: made.dataType });
        }
      }
      // …the notification channel (Owner and Email_Opt_Out edits, as ensureChannel subscribes)…
      const channelId = String(100_000_000_000_000_000n + BigInt(orgCounter));
      const channelToken = randomToken(24);
      const events = WORKED_MODULES.flatMap((module) => [`${module}.create`, `${module}.edit`, `${module}.delete`]);
      await saveChannel(db, { org_id: row.id, channel_id: channelId, token_sealed: cipher.encrypt(channelToken, `${row.id}:channel_token`), events: JSON.stringify(events), expires_at: now + CHANNEL_LIFETIME_MS, renewed_at: now });
      zohoOrg.channels.set(channelId, {
        channelId,
        events,
        notifyUrl: `${PUBLIC_URL}/webhooks/zoho`,
        token: channelToken,
        expiresAt: now + CHANNEL_LIFETIME_MS,
        editFields: Object.fromEntries(WORKED_MODULES.map((module) => [module, module === 'Deals' ? ['Owner'] : ['Owner', 'Email_Opt_Out']])),
      });
      // …and the widget key: the raw key in the org variable, its hash here.
      const widgetKey = randomToken(32);
      await setWidgetKeyHash(db, row.id, sha256(widgetKey), now);
      zohoOrg.variables.set(deps.config.widgetKeyVariable, widgetKey);
      zohoOrg.variables.set(deps.config.backendUrlVariable, PUBLIC_URL);
      await engine.startOrg(row.id);
      await world.settle();

      const sessions = new AdminSessions(cipher.deriveKey('admin-session'), clock);
      const seeded: SeededOrg = {
        row,
        zoho: zohoOrg,
        admin,
        rep,
        widgetKey,
        channel: { id: channelId, token: channelToken },
        adminSession: () => sessions.issue({ orgId: row.id, zohoUserId: admin.id, email: admin.email }).token,
        async api(method, path, body, apiOptions = {}) {
          const session = apiOptions.session === undefined ? seeded.adminSession() : apiOptions.session;
          const key = apiOptions.key === undefined ? widgetKey : apiOptions.key;
          const response = await request(`/api${path}`, {
            method,
            headers: {
              ...(key ? { authorization: `Bearer ${key}` } : {}),
              'content-type': 'application/json',
              ...(session ? { 'x-admin-session': session } : {}),
            },
            ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
          });
          const text = await response.text();
          return { status: response.status, body: text ? JSON.parse(text) : null };
        },
        async addAssistant(overrides = {}) {
          const email = `nova@${slug}.assist.test`;
          const user = zohoOrg.addUser({ firstName: 'Nova', lastName: 'Assistant', email });
          const created = await seeded.api('POST', '/assistants', {
            name: 'Nova',
            mailbox_email: email,
            default_context: 'We help mid-size manufacturers cut energy costs with smart metering.',
            signature: 'Nova\nAcme Energy',
            nurture_lines: ['Acme customers save 18% on energy in the first year.', 'Setup takes one afternoon.'],
            postal_address: 'Acme Energy, 1 Main St, Springfield',
            ...overrides,
          });
          if (created.status !== 201) throw new Error(`assistant not created: ${JSON.stringify(created.body)}`);
          return { assistant: created.body, user };
        },
        contact(fields = {}) {
          const [result] = zohoOrg.insertRecords('Contacts', [{ First_Name: 'Jane', Last_Name: 'Doe', Email: `jane.${randomToken(6).toLowerCase().replace(/[^a-z0-9]/g, 'x')}@prospect.test`, Owner: rep.id, ...fields }], rep.id);
          if (!result?.ok) throw new Error(`contact not created: ${JSON.stringify(result)}`);
          return result.id;
        },
        async assign(recordId, userId, by = admin) {
          const record = zohoOrg.find(undefined, recordId);
          if (!record) throw new Error(`no record ${recordId} in the fake Zoho`);
          const [result] = zohoOrg.updateRecords(record.module, [{ id: recordId, values: { Owner: userId } }], by.id);
          if (!result?.ok) throw new Error(`owner change refused: ${JSON.stringify(result)}`);
          const delivered = await world.deliverNotifications();
          await engine.runUntilIdle();
          return delivered;
        },
        record(recordId) {
          const record = zohoOrg.find(undefined, recordId);
          if (!record) throw new Error(`no record ${recordId} in the fake Zoho`);
          return zohoOrg.render(record);
        },
        notes: (recordId) => zohoOrg.notesOf(undefined, recordId),
        noteTitles: (recordId) => zohoOrg.notesOf(undefined, recordId).map((note) => note.title),
        leadOf: (recordId) => engine.leadOfRecord(row.id, zohoOrg.find(undefined, recordId)?.module ?? 'Contacts', recordId),
        async reply(email, body, replyOptions = {}) {
          const at = clock.now();
          const raw = buildReply({
            from: email.to,
            to: `${email.from.name} <${email.from.address}>`,
            subject: email.subject,
            messageId: `<reply-${randomToken(6)}-${at}@prospect.test>`,
            inReplyTo: email.messageId,
            at,
            body,
            quote: { text: email.text, author: `${email.from.name} <${email.from.address}>`, at: at - 60 * 60 * 1000 },
            ...(replyOptions.headers ? { headers: replyOptions.headers } : {}),
          });
          const response = await request('/webhooks/inbound', { method: 'POST', headers: { authorization: `Bearer ${INBOUND_TOKEN}`, 'content-type': 'message/rfc822' }, body: raw });
          const text = await response.text();
          await world.settle();
          return { status: response.status, body: text ? JSON.parse(text) : null };
        },
      };
      return seeded;
    },

    async close() {
      await engine.runner.stop();
      await store.close();
    },
  };
  return world;
}

/** Runs a lead's sequence until it is no longer active (or nothing is left to do). */
export async function runSequenceToEnd(world: InProcess, org: SeededOrg, recordId: string, rounds = 40): Promise<void> {
  for (let round = 0; round < rounds && (await org.leadOf(recordId))?.status === 'active'; round += 1) {
    if (!(await world.advanceToNextWork())) break;
  }
}
