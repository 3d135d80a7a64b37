import { ManualClock } from '../../server/src/lib/clock.js';
import { type RunningSandbox, startSandbox } from '../../server/src/sandbox/start-sandbox.js';

/** Every scope the product asks Zoho for, plus what the tests exercise. */
export const ALL_SCOPES = [
  'ZohoCRM.modules.ALL',
  'ZohoCRM.users.ALL',
  'ZohoCRM.org.READ',
  'ZohoCRM.settings.ALL',
  'ZohoCRM.notifications.ALL',
  'ZohoCRM.coql.READ',
  'ZohoCRM.change_owner.CREATE',
  'ZohoSearch.securesearch.READ',
].join(',');

// Responses are read loosely in tests; assertions say what each one must hold.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface SandboxOrg {
  org_id: string;
  dc: string;
  api_domain: string;
  accounts_server: string;
  admin: { id: string; email: string };
  client: { client_id: string; client_secret: string };
  users: { id: string; email: string; profile: string }[];
}

export interface TestSandbox {
  sandbox: RunningSandbox;
  url: string;
  clock: ManualClock;
  stop(): Promise<void>;
  admin<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  createOrg(input: Record<string, unknown>): Promise<SandboxOrg>;
  /** A fresh access token for a user of the org (a Self Client grant exchanged over HTTP). */
  token(org: SandboxOrg, scope?: string, userEmail?: string): Promise<{ access_token: string; refresh_token: string; api_domain: string }>;
  crm(token: string, method: string, path: string, body?: unknown, apiDomain?: string): Promise<{ status: number; body: Json; text: string; headers: Headers }>;
}

let orgCounter = 0;

/** A sandbox on an ephemeral loopback port with a manual clock, plus small HTTP helpers. */
export async function startTestSandbox(options: { clock?: ManualClock } = {}): Promise<TestSandbox> {
  const clock = options.clock ?? new ManualClock();
  const sandbox = await startSandbox({ port: 0, clock });
  const url = sandbox.url;
  const admin: TestSandbox['admin'] = async (method, path, body) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as never };
  };
  const test: TestSandbox = {
    sandbox,
    url,
    clock,
    stop: () => sandbox.stop(),
    admin,
    async createOrg(input) {
      orgCounter += 1;
      const result = await admin<SandboxOrg>('POST', '/sandbox/orgs', {
        users: [{ first_name: 'Ada', last_name: `Admin${orgCounter}`, email: `ada${orgCounter}@org${orgCounter}.test`, profile: 'Administrator' }],
        ...input,
      });
      if (result.status !== 201) throw new Error(`org not created: ${JSON.stringify(result.body)}`);
      return result.body;
    },
    async token(org, scope = ALL_SCOPES, userEmail) {
      const grant = await admin<{ code: string }>('POST', `/sandbox/orgs/${org.org_id}/grant`, {
        scope,
        ...(userEmail ? { user_email: userEmail } : {}),
      });
      if (grant.status !== 201) throw new Error(`grant failed: ${JSON.stringify(grant.body)}`);
      const form = new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: org.client.client_id,
        client_secret: org.client.client_secret,
        code: grant.body.code,
      });
      const response = await fetch(`${org.accounts_server}/oauth/v2/token`, { method: 'POST', body: form });
      const body = (await response.json()) as { access_token?: string; refresh_token: string; api_domain: string; error?: string };
      if (!body.access_token) throw new Error(`token exchange failed: ${JSON.stringify(body)}`);
      return body as { access_token: string; refresh_token: string; api_domain: string };
    },
    async crm(token, method, path, body, apiDomain = url) {
      const response = await fetch(`${apiDomain}/crm/v8${path}`, {
        method,
        headers: token ? { authorization: `Zoho-oauthtoken ${token}` } : {},
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        parsed = null;
      }
      return { status: response.status, body: parsed as Json, text, headers: response.headers };
    },
  };
  return test;
}
