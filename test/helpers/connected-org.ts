import type { TestBackend } from './backend-harness.js';
import { authorizeInBrowser, signInAsAdmin } from './backend-harness.js';
import type { Json, SandboxOrg } from './sandbox-client.js';

export interface ConnectedOrg {
  zoho: SandboxOrg;
  widgetKey: string;
  adminSession: string;
  adminId: string;
  repId: string;
  /** Calls the backend's /api as the widget would, with the admin's session unless told otherwise. */
  api(method: string, path: string, body?: unknown, options?: { session?: string | null; key?: string }): Promise<{ status: number; body: Json }>;
}

let counter = 0;

/** A sandbox org authorized through the real OAuth flow, with its widget key read from Zoho. */
/** Creates a sandbox org and authorizes the backend for it; `fromOrigin` is the settings tab's origin the authorization starts from. */
export async function connectOrg(backend: TestBackend, input: Record<string, unknown> = {}, fromOrigin?: string): Promise<ConnectedOrg> {
  counter += 1;
  const zoho = await backend.sandbox.createOrg({
    name: `Org ${counter}`,
    client_id: backend.client.client_id,
    users: [
      { first_name: 'Ann', last_name: 'Admin', email: `ann${counter}@org${counter}.test`, profile: 'Administrator' },
      { first_name: 'Sam', last_name: 'Sales', email: `sam${counter}@org${counter}.test` },
    ],
    ...input,
  });
  const result = await authorizeInBrowser(backend, { userEmail: zoho.admin.email, ...(fromOrigin ? { startQuery: `?origin=${encodeURIComponent(fromOrigin)}` } : {}) });
  if (result.status !== 200) throw new Error(`authorization failed: ${result.html}`);
  const token = (await backend.sandbox.token(zoho)).access_token;
  const variable = await backend.sandbox.crm(token, 'GET', '/settings/variables/salesassist__Widget_Key', undefined, zoho.api_domain);
  const widgetKey = variable.body.variables[0].value as string;
  const repId = zoho.users.find((user) => user.profile === 'Standard')!.id;
  const { token: adminSession } = await signInAsAdmin(backend, zoho.admin.email);
  if (!adminSession) throw new Error('admin sign-in gave no session');
  const connected: ConnectedOrg = {
    zoho,
    widgetKey,
    adminSession,
    adminId: zoho.admin.id,
    repId,
    async api(method, path, body, options = {}) {
      const session = options.session === undefined ? connected.adminSession : options.session;
      const response = await fetch(`${backend.url}/api${path}`, {
        method,
        headers: {
          authorization: `Bearer ${options.key ?? widgetKey}`,
          'content-type': 'application/json',
          ...(session ? { 'x-admin-session': session } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    },
  };
  return connected;
}
