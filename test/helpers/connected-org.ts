import type { TestBackend } from './backend-harness.js';
import { authorizeInBrowser } from './backend-harness.js';
import type { Json, SandboxOrg } from './sandbox-client.js';

export interface ConnectedOrg {
  zoho: SandboxOrg;
  widgetKey: string;
  adminId: string;
  repId: string;
  /** Calls the backend's /api as the widget would, as the given Zoho user (the admin by default). */
  api(method: string, path: string, body?: unknown, options?: { userId?: string | null; key?: string }): Promise<{ status: number; body: Json }>;
}

let counter = 0;

/** A sandbox org authorized through the real OAuth flow, with its widget key read from Zoho. */
export async function connectOrg(backend: TestBackend, input: Record<string, unknown> = {}): Promise<ConnectedOrg> {
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
  const result = await authorizeInBrowser(backend, { userEmail: zoho.admin.email });
  if (result.status !== 200) throw new Error(`authorization failed: ${result.html}`);
  const token = (await backend.sandbox.token(zoho)).access_token;
  const variable = await backend.sandbox.crm(token, 'GET', '/settings/variables/salesassist__Widget_Key', undefined, zoho.api_domain);
  const widgetKey = variable.body.variables[0].value as string;
  const repId = zoho.users.find((user) => user.profile === 'Standard')!.id;
  return {
    zoho,
    widgetKey,
    adminId: zoho.admin.id,
    repId,
    async api(method, path, body, options = {}) {
      const userId = options.userId === undefined ? zoho.admin.id : options.userId;
      const response = await fetch(`${backend.url}/api${path}`, {
        method,
        headers: {
          authorization: `Bearer ${options.key ?? widgetKey}`,
          'content-type': 'application/json',
          ...(userId ? { 'x-zoho-user-id': userId } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    },
  };
}
