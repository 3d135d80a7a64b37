/**
 * An org on a running sandbox, for tests that drive real backend processes: a registered client
 * (redirecting to `backendUrl`), an admin, a sales rep "Sam Rivera" and the assistant's user
 * "Nova Assistant", and a Zoho token to act in the CRM as a salesperson would.
 */
export interface LiveOrg {
  client: { client_id: string; client_secret: string };
  org: { org_id: string; api_domain: string; accounts_server: string };
  adminEmail: string;
  repId: string;
  novaId: string;
  crm(method: string, path: string, body?: unknown): Promise<{ status: number; body: { data: { id: string; details: { id: string }; Owner: { id: string }; Note_Title: string }[] } | null }>;
}

export async function liveOrg(sandboxUrl: string, name: string, domain: string, backendUrl: string): Promise<LiveOrg> {
  const admin = async <T,>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${sandboxUrl}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return (await response.json()) as T;
  };
  const client = await admin<{ client_id: string; client_secret: string }>('POST', '/sandbox/clients', { name, redirect_uris: [`${backendUrl}/oauth/zoho/callback`] });
  const org = await admin<{ org_id: string; api_domain: string; accounts_server: string; users: { id: string; email: string }[] }>('POST', '/sandbox/orgs', {
    name,
    client_id: client.client_id,
    users: [
      { first_name: 'Ann', last_name: 'Admin', email: `ann@${domain}`, profile: 'Administrator' },
      { first_name: 'Sam', last_name: 'Rivera', email: `sam@${domain}`, profile: 'Standard' },
      { first_name: 'Nova', last_name: 'Assistant', email: `nova@${domain}`, profile: 'Standard' },
    ],
    limits: { credits_per_day: 50_000_000, concurrency: 100 },
  });
  const idOf = (email: string) => org.users.find((user) => user.email === email)!.id;
  const grant = await admin<{ code: string }>('POST', `/sandbox/orgs/${org.org_id}/grant`, { scope: 'ZohoCRM.modules.ALL,ZohoCRM.settings.ALL,ZohoCRM.users.ALL,ZohoCRM.org.READ,ZohoCRM.change_owner.CREATE' });
  const token = ((await (await fetch(`${org.accounts_server}/oauth/v2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', client_id: client.client_id, client_secret: client.client_secret, code: grant.code }) })).json()) as { access_token: string }).access_token;
  return {
    client,
    org,
    adminEmail: `ann@${domain}`,
    repId: idOf(`sam@${domain}`),
    novaId: idOf(`nova@${domain}`),
    async crm(method, path, body) {
      const response = await fetch(`${org.api_domain}/crm/v8${path}`, { method, headers: { authorization: `Zoho-oauthtoken ${token}` }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    },
  };
}
