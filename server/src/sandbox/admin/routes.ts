import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import type { SandboxDeps, SandboxEnv } from '../context.js';
import { dcBaseUrl } from '../context.js';
import { faultSchema } from '../faults.js';
import { listDeliveries } from '../store/channels.js';
import { addRedirectUri, createClient, createGrant, getClient } from '../store/auth.js';
import { DATA_CENTRES, type OrgRow, createOrg, findUserByEmail, getOrg, insertUser, listOrgs, listUsers, setSelfClient, updateOrgLimits } from '../store/orgs.js';

const userSchema = z.object({
  first_name: z.string().max(40).optional(),
  last_name: z.string().min(1).max(80),
  email: z.email(),
  profile: z.enum(['Administrator', 'Standard']).optional(),
});

const limitsSchema = z.object({
  credits_per_day: z.number().int().min(1).optional(),
  concurrency: z.number().int().min(1).max(1000).optional(),
});

const orgSchema = z.object({
  name: z.string().min(1).max(100),
  dc: z.enum(DATA_CENTRES).default('us'),
  users: z.array(userSchema).max(200).default([]),
  redirect_uri: z.url().optional(),
  client_id: z.string().optional(),
  extension_fields: z.boolean().default(false),
  time_zone: z.string().optional(),
  limits: limitsSchema.default({}),
});

const clientSchema = z.object({
  name: z.string().min(1).max(100).default('Sandbox client'),
  redirect_uris: z.array(z.url()).default([]),
  client_id: z.string().regex(/^[A-Za-z0-9._-]{8,100}$/).optional(),
  client_secret: z.string().min(8).max(200).optional(),
});

const grantSchema = z.object({
  scope: z.string().min(1),
  user_email: z.email().optional(),
  client_id: z.string().optional(),
  expires_in: z.number().int().min(1).max(600).optional(),
});

export const DEFAULT_CREDITS_PER_DAY = 100_000;
export const DEFAULT_CONCURRENCY = 20;

type AdminError = { error: { code: string; message: string; details?: unknown } };

/** The sandbox's own control API (not Zoho's): provision orgs, mint grants, inject faults, inspect deliveries. */
export function createAdminRoutes(deps: SandboxDeps): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();
  const fail = (status: ContentfulStatusCode, code: string, message: string, details?: unknown) =>
    new Response(JSON.stringify({ error: { code, message, ...(details === undefined ? {} : { details }) } } satisfies AdminError), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  const body = async <T extends z.ZodType>(request: Request, schema: T): Promise<z.infer<T> | Response> => {
    let raw: unknown;
    try {
      raw = await request.json();
    } catch {
      return fail(400, 'INVALID_JSON', 'the request body is not valid JSON');
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) return fail(400, 'INVALID_INPUT', z.prettifyError(parsed.error), parsed.error.issues);
    return parsed.data;
  };
  const withOrg = (orgId: string): OrgRow | Response => getOrg(deps.db, orgId) ?? fail(404, 'ORG_NOT_FOUND', `no org ${orgId}`);
  const describeOrg = (org: OrgRow) => ({
    org_id: org.id,
    name: org.name,
    dc: org.dc,
    accounts_server: dcBaseUrl(deps.baseUrl(), org.dc),
    api_domain: dcBaseUrl(deps.baseUrl(), org.dc),
    limits: { credits_per_day: org.credits_per_day, concurrency: org.concurrency_limit },
    users: listUsers(deps.db, org.id).map((user) => ({ id: user.id, email: user.email, first_name: user.first_name, last_name: user.last_name, profile: user.profile, status: user.status })),
  });

  app.post('/clients', async (c) => {
    const input = await body(c.req.raw, clientSchema);
    if (input instanceof Response) return input;
    if (input.client_id && getClient(deps.db, input.client_id)) {
      const existing = getClient(deps.db, input.client_id)!;
      if (input.client_secret && input.client_secret !== existing.client_secret) return fail(409, 'CLIENT_EXISTS', 'client exists with another secret');
      for (const uri of input.redirect_uris) addRedirectUri(deps.db, existing, uri);
      return c.json({ client_id: existing.client_id, client_secret: existing.client_secret }, 200);
    }
    const client = createClient(deps.db, { name: input.name, redirectUris: input.redirect_uris, clientId: input.client_id, clientSecret: input.client_secret }, deps.clock.now());
    return c.json({ client_id: client.client_id, client_secret: client.client_secret }, 201);
  });

  app.post('/orgs', async (c) => {
    const input = await body(c.req.raw, orgSchema);
    if (input instanceof Response) return input;
    const emails = input.users.map((user) => user.email.toLowerCase());
    if (new Set(emails).size !== emails.length) return fail(400, 'DUPLICATE_USER', 'two users share an email');
    if (input.client_id && !getClient(deps.db, input.client_id)) return fail(404, 'CLIENT_NOT_FOUND', `no client ${input.client_id}`);
    const now = deps.clock.now();
    const adminIndex = input.users.findIndex((user) => user.profile === 'Administrator');
    const admin = adminIndex >= 0 ? input.users[adminIndex]! : { first_name: 'Org', last_name: 'Admin', email: `admin.${now.toString(36)}.${Math.floor(Math.random() * 1e6)}@sandbox.example` };
    const others = input.users.filter((_, index) => index !== adminIndex);
    const result = deps.db.transaction(() => {
      const created = createOrg(
        deps.db,
        {
          name: input.name,
          dc: input.dc,
          admin,
          users: others,
          extensionFields: input.extension_fields,
          creditsPerDay: input.limits.credits_per_day ?? DEFAULT_CREDITS_PER_DAY,
          concurrencyLimit: input.limits.concurrency ?? DEFAULT_CONCURRENCY,
          ...(input.time_zone ? { timeZone: input.time_zone } : {}),
        },
        now,
      );
      let client = input.client_id ? getClient(deps.db, input.client_id)! : undefined;
      if (client && input.redirect_uri) addRedirectUri(deps.db, client, input.redirect_uri);
      client ??= createClient(deps.db, { name: `${input.name} client`, redirectUris: input.redirect_uri ? [input.redirect_uri] : [] }, now);
      setSelfClient(deps.db, created.org.id, client.client_id);
      return { ...created, client };
    })();
    return c.json(
      {
        ...describeOrg(result.org),
        admin: { id: result.admin.id, email: result.admin.email },
        client: { client_id: result.client.client_id, client_secret: result.client.client_secret },
      },
      201,
    );
  });

  app.get('/orgs', (c) => c.json({ orgs: listOrgs(deps.db).map(describeOrg) }));

  app.get('/orgs/:orgId', (c) => {
    const org = withOrg(c.req.param('orgId'));
    return org instanceof Response ? org : c.json(describeOrg(org));
  });

  app.post('/orgs/:orgId/users', async (c) => {
    const org = withOrg(c.req.param('orgId'));
    if (org instanceof Response) return org;
    const input = await body(c.req.raw, userSchema);
    if (input instanceof Response) return input;
    if (findUserByEmail(deps.db, org.id, input.email)) return fail(409, 'DUPLICATE_USER', `${input.email} is already a user of this org`);
    const user = insertUser(deps.db, org, input, null, deps.clock.now());
    return c.json({ id: user.id, email: user.email, profile: user.profile }, 201);
  });

  app.patch('/orgs/:orgId/limits', async (c) => {
    const org = withOrg(c.req.param('orgId'));
    if (org instanceof Response) return org;
    const input = await body(c.req.raw, limitsSchema);
    if (input instanceof Response) return input;
    updateOrgLimits(deps.db, org.id, { creditsPerDay: input.credits_per_day, concurrencyLimit: input.concurrency });
    return c.json(deps.limiter.usage(getOrg(deps.db, org.id)!));
  });

  app.get('/orgs/:orgId/usage', (c) => {
    const org = withOrg(c.req.param('orgId'));
    return org instanceof Response ? org : c.json(deps.limiter.usage(org));
  });

  app.post('/orgs/:orgId/grant', async (c) => {
    const org = withOrg(c.req.param('orgId'));
    if (org instanceof Response) return org;
    const input = await body(c.req.raw, grantSchema);
    if (input instanceof Response) return input;
    const user = input.user_email
      ? findUserByEmail(deps.db, org.id, input.user_email)
      : listUsers(deps.db, org.id).find((candidate) => candidate.profile === 'Administrator');
    if (!user) return fail(404, 'USER_NOT_FOUND', `no user ${input.user_email ?? '(admin)'} in org ${org.id}`);
    const clientId = input.client_id ?? org.self_client_id;
    if (!clientId || !getClient(deps.db, clientId)) return fail(404, 'CLIENT_NOT_FOUND', 'pass client_id of a registered client');
    const grant = createGrant(
      deps.db,
      {
        client_id: clientId,
        org_id: org.id,
        user_id: user.id,
        scope: input.scope.split(/[ ,]+/).filter(Boolean).join(','),
        redirect_uri: null,
        issue_refresh: 1,
        ...(input.expires_in ? { ttlMs: input.expires_in * 1000 } : {}),
      },
      deps.clock.now(),
    );
    return c.json({ code: grant.code, client_id: clientId, user_id: user.id, location: org.dc, 'accounts-server': dcBaseUrl(deps.baseUrl(), org.dc) }, 201);
  });

  app.get('/orgs/:orgId/deliveries', (c) => {
    const org = withOrg(c.req.param('orgId'));
    if (org instanceof Response) return org;
    return c.json({
      deliveries: listDeliveries(deps.db, org.id).map((row) => ({
        id: row.id,
        channel_id: row.channel_id,
        notify_url: row.notify_url,
        body: JSON.parse(row.body) as unknown,
        status: row.status,
        response_body: row.response_body,
        error: row.error,
        sent_at: new Date(row.sent_at).toISOString(),
        duration_ms: row.duration_ms,
      })),
    });
  });

  app.post('/faults', async (c) => {
    const input = await body(c.req.raw, faultSchema);
    if (input instanceof Response) return input;
    return c.json(deps.faults.add(input), 201);
  });
  app.get('/faults', (c) => c.json({ faults: deps.faults.list() }));
  app.delete('/faults', (c) => {
    deps.faults.clear();
    return c.body(null, 204);
  });

  return app;
}
