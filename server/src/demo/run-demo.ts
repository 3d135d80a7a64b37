import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startBackend } from '../backend.js';
import { openDemoMail } from '../db/demo-mail.js';
import { type DemoEnv, loadAppEnv } from '../env.js';
import { startSandbox } from '../sandbox/start-sandbox.js';
import { DEMO_ASSISTANT, DEMO_PEOPLE } from './demo-data.js';
import { mailViewApp, startMailCapture, startMailView } from './mail-view.js';

/** What the demo keeps between runs (in DATA_DIR, never in the repository). */
interface DemoState {
  clientId: string;
  clientSecret: string;
  encryptionKey: string;
  adminToken: string;
  inboundToken: string;
  zohoOrgId?: string;
  assistantEmail?: string;
}

const STATE_FILE = 'demo.json';
/** Everything the demo writes in DATA_DIR; `--reset` removes exactly these. */
const DEMO_FILES = [STATE_FILE, 'sandbox.sqlite', 'sandbox.sqlite-wal', 'sandbox.sqlite-shm', 'app.sqlite', 'app.sqlite-wal', 'app.sqlite-shm', 'demo-mail.sqlite', 'demo-mail.sqlite-wal', 'demo-mail.sqlite-shm', 'zoho-sdk', 'time-origin'];

const token = (bytes = 32) => randomBytes(bytes).toString('base64url');

function loadState(dataDir: string): DemoState {
  const path = join(dataDir, STATE_FILE);
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as DemoState;
  const state: DemoState = {
    clientId: `1000.DEMO${randomBytes(8).toString('hex').toUpperCase()}`,
    clientSecret: token(24),
    encryptionKey: randomBytes(32).toString('base64'),
    adminToken: token(36),
    inboundToken: token(36),
  };
  saveState(dataDir, state);
  return state;
}

function saveState(dataDir: string, state: DemoState): void {
  writeFileSync(join(dataDir, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

/** The widget must be built for the CRM page to show it; a fresh clone has no app/ yet. */
async function ensureWidgetBuilt(widgetDir: string): Promise<void> {
  if (existsSync(join(widgetDir, 'widget.html')) && existsSync(join(widgetDir, 'settings.html'))) return;
  console.log('Building the widget (first run only)…');
  const vite = resolve('node_modules', 'vite', 'bin', 'vite.js');
  await new Promise<void>((done, fail) => {
    const child = spawn(process.execPath, [vite, 'build', '--config', 'widget/vite.config.ts', '--logLevel', 'error'], { stdio: 'inherit' });
    child.once('exit', (code) => (code === 0 ? done() : fail(new Error(`the widget build failed (exit ${String(code)}); run npm run build to see why`))));
  });
}

async function json<T>(response: Response, what: string): Promise<T> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : null) as T;
}

const DEMO_USERS = [
  { first_name: 'Alex', last_name: 'Morgan', email: 'alex.morgan@brightline.example', profile: 'Administrator' },
  { first_name: 'Sam', last_name: 'Rivera', email: 'sam.rivera@brightline.example', profile: 'Standard' },
  { first_name: 'Priya', last_name: 'Shah', email: 'priya.shah@brightline.example', profile: 'Standard' },
  { first_name: 'Nova', last_name: 'Assistant', email: 'nova@brightline.example', profile: 'Standard' },
] as const;

/**
 * First run: a demo org in the sandbox (an admin, two sales reps, the assistant's user) with a
 * dozen Leads and Contacts, then the app authorized through the same OAuth flow a real admin
 * uses, then an assistant with a context, a nurture table and the Recommended sequence.
 */
async function provision(state: DemoState, urls: { sandbox: string; backend: string }, dataDir: string): Promise<void> {
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${urls.sandbox}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const callback = `${urls.backend}/oauth/zoho/callback`;
  await json(await admin('POST', '/sandbox/clients', { name: 'Sales Assistant (demo)', client_id: state.clientId, client_secret: state.clientSecret, redirect_uris: [callback] }), 'registering the OAuth client');
  if (state.zohoOrgId) return;

  // The demo's clock runs a day a minute, so its 10-minute sweep runs every 0.4 s: give the org room.
  const org = await json<{ org_id: string; api_domain: string; accounts_server: string; users: { id: string; email: string }[] }>(
    await admin('POST', '/sandbox/orgs', { name: 'Brightline Manufacturing (demo)', client_id: state.clientId, users: DEMO_USERS, limits: { credits_per_day: 50_000_000, concurrency: 100 } }),
    'creating the demo org',
  );
  const grant = await json<{ code: string }>(await admin('POST', `/sandbox/orgs/${org.org_id}/grant`, { scope: 'ZohoCRM.modules.ALL,ZohoCRM.settings.ALL,ZohoCRM.users.ALL,ZohoCRM.org.READ' }), 'a grant for the records');
  const tokens = await json<{ access_token: string }>(
    await fetch(`${org.accounts_server}/oauth/v2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', client_id: state.clientId, client_secret: state.clientSecret, code: grant.code }) }),
    'a token for the records',
  );
  const reps = org.users.filter((user) => user.email.startsWith('sam.') || user.email.startsWith('priya.'));
  const crm = async <T>(module: string, data: Record<string, unknown>[]) =>
    json<{ data: { details: { id: string } }[] }>(await fetch(`${org.api_domain}/crm/v8/${module}`, { method: 'POST', headers: { authorization: `Zoho-oauthtoken ${tokens.access_token}` }, body: JSON.stringify({ data }) }), `creating demo ${module}`) as Promise<T>;
  // Contacts belong to Accounts (so emails name the company); Leads carry theirs in Company.
  const contactPeople = DEMO_PEOPLE.filter((person) => person.module === 'Contacts');
  const accounts = await crm<{ data: { details: { id: string } }[] }>('Accounts', contactPeople.map(({ company }, index) => ({ Account_Name: company, Owner: { id: reps[index % reps.length]!.id } })));
  for (const module of ['Contacts', 'Leads'] as const) {
    const data = DEMO_PEOPLE.filter((person) => person.module === module).map(({ first, last, company, title, city, country, industry }, index) => ({
      First_Name: first,
      Last_Name: last,
      Email: `${first.toLowerCase()}.${last.toLowerCase().replace(/[^a-z]/g, '')}@${company.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z]+/g, '-').replace(/-$/, '')}.example`,
      ...(title ? { Title: title } : {}),
      ...(module === 'Leads' ? { Company: company, City: city, Country: country, ...(industry ? { Industry: industry } : {}) } : { Account_Name: { id: accounts.data[index]!.details.id }, Mailing_City: city, Mailing_Country: country }),
      Owner: { id: reps[index % reps.length]!.id },
    }));
    await crm(module, data);
  }

  // The administrator authorizes the app: start → Zoho's consent page → our callback, with the browser's cookie.
  const start = await fetch(`${urls.backend}/oauth/zoho/start`, { redirect: 'manual' });
  if (start.status !== 302) throw new Error(`starting authorization failed: HTTP ${start.status} ${(await start.text()).slice(0, 300)}`);
  const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const consent = await fetch(start.headers.get('location') ?? '', { method: 'POST', body: new URLSearchParams({ user_email: DEMO_USERS[0].email, approve: 'true' }), redirect: 'manual' });
  if (consent.status !== 302) throw new Error(`the consent page answered HTTP ${consent.status} ${(await consent.text()).slice(0, 300)}`);
  const done = await fetch(consent.headers.get('location') ?? '', { headers: { cookie }, redirect: 'manual' });
  if (done.status !== 200) throw new Error(`authorizing the demo org failed: HTTP ${done.status} ${(await done.text()).slice(0, 300)}`);

  const api = (method: string, path: string, body?: unknown) =>
    fetch(`${urls.backend}/api${path}`, { method, headers: { authorization: `Bearer ${state.adminToken}`, 'x-zoho-org-id': org.org_id, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  await json(
    await api('POST', '/assistants', {
      ...DEMO_ASSISTANT,
      mailbox_email: DEMO_USERS[3].email,
      // Around the clock in the demo, so nothing waits for office hours.
      business_hours: { start: '00:00', end: '23:59' },
      off_days: [],
    }),
    'creating the assistant',
  );
  // CRM Details matches the assistant to its Zoho user, as an admin's first Refresh would.
  await json(await api('POST', '/crm-details/refresh'), 'refreshing CRM Details');
  saveState(dataDir, { ...state, zohoOrgId: org.org_id, assistantEmail: DEMO_USERS[3].email });
}

/**
 * `npm start` with no Zoho client: the sandbox (a CRM with demo data), the backend authorized to
 * it, an SMTP server that captures mail, and the mail view; time runs a day a minute.
 */
export async function runDemo(env: DemoEnv, options: { reset: boolean }): Promise<{ crmUrl: string; mailUrl: string; backendUrl: string; stop(): Promise<void> }> {
  const dataDir = resolve(env.DATA_DIR);
  if (options.reset) for (const file of DEMO_FILES) rmSync(join(dataDir, file), { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  await ensureWidgetBuilt(resolve(env.WIDGET_DIR));
  let state = loadState(dataDir);

  const mail = openDemoMail(join(dataDir, 'demo-mail.sqlite'));
  // The mail view stamps emails with the engine's clock (known once the backend runs; nothing is sent before).
  const engineClock = { now: () => Date.now() };
  const capture = await startMailCapture(mail.db, env.HOST, engineClock);
  let deliver: (raw: string) => Promise<void> = async () => undefined;
  const mailView = await startMailView(mailViewApp(mail.db, (raw) => deliver(raw), engineClock), env.DEMO_MAIL_PORT, env.HOST);
  const backendPort = env.PORT;
  const backendGuess = `http://${env.HOST}:${backendPort}`;
  const sandbox = await startSandbox({
    port: env.SANDBOX_PORT,
    host: env.HOST,
    dbPath: join(dataDir, 'sandbox.sqlite'),
    widgetUrl: `${backendGuess}/app/widget.html`,
    uiLinks: [{ label: 'Mail (demo)', url: mailView.url }],
  });
  const backend = await startBackend(
    loadAppEnv({
      PORT: String(backendPort),
      HOST: env.HOST,
      DATA_DIR: dataDir,
      ZOHO_CLIENT_ID: state.clientId,
      ZOHO_CLIENT_SECRET: state.clientSecret,
      ZOHO_ACCOUNTS_URL: sandbox.url,
      ZOHO_SANDBOX_URL: sandbox.url,
      ENCRYPTION_KEY: state.encryptionKey,
      ADMIN_TOKEN: state.adminToken,
      INBOUND_WEBHOOK_TOKEN: state.inboundToken,
      MAILBOX_PRIVATE_HOSTS: 'allow',
      // The demo's replies come from its own mail view, not the internet.
      INBOUND_AUTH: 'off',
      SMTP_URL: capture.url,
      TIME_SCALE: String(env.TIME_SCALE),
      LOG_LEVEL: env.LOG_LEVEL,
      WIDGET_DIR: env.WIDGET_DIR,
      MAIL_IDLE: 'false',
      WIDGET_ORIGINS: sandbox.url,
    }),
  );
  engineClock.now = () => backend.deps.engine.now();
  const backendUrl = backend.url;
  if (!backendUrl) throw new Error('the demo backend runs the web role');
  // With PORT=0 the backend's address is known only now: the CRM page must frame the real one.
  sandbox.deps.widgetUrl = `${backendUrl}/app/widget.html`;
  deliver = async (raw) => {
    await json(await fetch(`${backendUrl}/webhooks/inbound`, { method: 'POST', headers: { authorization: `Bearer ${state.inboundToken}`, 'content-type': 'message/rfc822' }, body: raw }), 'delivering the reply');
  };
  await provision(state, { sandbox: sandbox.url, backend: backendUrl }, dataDir);
  state = loadState(dataDir);
  const orgId = (await json<{ orgs: { org_id: string }[] }>(await fetch(`${sandbox.url}/sandbox/orgs`), 'listing orgs')).orgs.find((org) => org.org_id === state.zohoOrgId)?.org_id;
  if (!orgId) throw new Error('the demo org is missing from the sandbox: run npm start -- --reset');
  return {
    crmUrl: `${sandbox.url}/ui/${orgId}`,
    mailUrl: mailView.url,
    backendUrl,
    async stop() {
      await backend.stop();
      await sandbox.stop();
      await mailView.close();
      await capture.close();
      await mail.close();
    },
  };
}
