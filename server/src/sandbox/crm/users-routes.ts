import type { Hono } from 'hono';
import { z } from 'zod';
import type { SandboxDeps, SandboxEnv } from '../context.js';
import { ZohoError, zohoErrors } from '../errors.js';
import { zohoTime } from '../store/ids.js';
import { type UserRow, findUserByEmail, fullName, getUser, insertUser, listUsers } from '../store/orgs.js';
import { auth, noContent, parsePositiveInt, readList, requireScopes, splitList, zohoJson } from '../http.js';
import { isNumericId } from './record-values.js';
import { type Entry, entriesStatus, itemError, schemaError } from './write-responses.js';

const USER_TYPES: Record<string, (user: UserRow, currentUserId: string) => boolean> = {
  AllUsers: () => true,
  ActiveUsers: (user) => user.status === 'active',
  DeactiveUsers: (user) => user.status === 'inactive',
  ConfirmedUsers: () => true,
  NotConfirmedUsers: () => false,
  DeletedUsers: () => false,
  ActiveConfirmedUsers: (user) => user.status === 'active',
  AdminUsers: (user) => user.profile === 'Administrator',
  ActiveConfirmedAdmins: (user) => user.profile === 'Administrator' && user.status === 'active',
  CurrentUser: (user, currentUserId) => user.id === currentUserId,
};

const newUserSchema = z.object({
  first_name: z.string().max(40).optional(),
  last_name: z.string().min(1).max(80),
  email: z.email().max(100),
  profile: z.object({ name: z.enum(['Administrator', 'Standard']).optional(), id: z.string().optional() }).optional(),
  role: z.object({ id: z.string().optional(), name: z.string().optional() }).optional(),
});

export function renderUser(user: UserRow, orgPrefix: string, createdBy: UserRow | undefined): Record<string, unknown> {
  const profileId = `${orgPrefix}000000026${user.profile === 'Administrator' ? '011' : '014'}`;
  const roleId = `${orgPrefix}000000026${user.role === 'CEO' ? '005' : '008'}`;
  return {
    id: user.id,
    email: user.email,
    full_name: fullName(user),
    first_name: user.first_name,
    last_name: user.last_name,
    status: user.status,
    confirm: true,
    type__s: 'Regular User',
    role: { name: user.role, id: roleId },
    profile: { name: user.profile, id: profileId },
    zuid: user.zuid,
    time_zone: user.time_zone,
    locale: 'en_US',
    language: 'en_US',
    country_locale: 'en_US',
    created_time: zohoTime(user.created_time),
    Modified_Time: zohoTime(user.modified_time),
    created_by: createdBy ? { name: fullName(createdBy), id: createdBy.id } : null,
    Reporting_To: null,
    Isonline: false,
    date_format: 'MMM d, yyyy',
    time_format: 'hh:mm a',
  };
}

export function registerUserRoutes(app: Hono<SandboxEnv>, deps: SandboxDeps): void {
  app.get('/users', (c) => {
    requireScopes(c, 'ZohoCRM.users.READ');
    const { org, user: caller } = auth(c);
    const type = c.req.query('type') ?? 'AllUsers';
    const filter = USER_TYPES[type];
    if (!filter) throw zohoErrors.invalidData('invalid value for type', { param_name: 'type', supported_values: Object.keys(USER_TYPES) });
    const ids = splitList(c.req.query('ids'));
    const perPage = Math.min(parsePositiveInt(c.req.query('per_page'), 'per_page', 200), 200);
    const page = parsePositiveInt(c.req.query('page'), 'page', 1);
    const users = listUsers(deps.db, org.id)
      .filter((user) => filter(user, caller.id))
      .filter((user) => ids.length === 0 || ids.includes(user.id));
    const slice = users.slice((page - 1) * perPage, page * perPage);
    if (slice.length === 0) return noContent(c);
    return zohoJson(c, {
      users: slice.map((user) => renderUser(user, org.id_prefix, user.created_by ? getUser(deps.db, org.id, user.created_by) : undefined)),
      info: { per_page: perPage, count: slice.length, page, more_records: page * perPage < users.length },
    });
  });

  app.get('/users/:id', (c) => {
    requireScopes(c, 'ZohoCRM.users.READ');
    const { org } = auth(c);
    const id = c.req.param('id');
    const user = isNumericId(id) ? getUser(deps.db, org.id, id) : undefined;
    if (!user) throw zohoErrors.invalidId(id);
    return zohoJson(c, {
      users: [renderUser(user, org.id_prefix, user.created_by ? getUser(deps.db, org.id, user.created_by) : undefined)],
    });
  });

  app.post('/users', async (c) => {
    requireScopes(c, 'ZohoCRM.users.CREATE');
    const { org, user: caller } = auth(c);
    if (caller.profile !== 'Administrator') throw zohoErrors.noPermission();
    const { items } = await readList(c, 'users', 100);
    const now = deps.clock.now();
    const results = deps.db.transaction(() =>
      items.map((item, index): Entry => {
        const parsed = newUserSchema.safeParse(item);
        if (!parsed.success) return schemaError(parsed.error, 'users', index);
        if (findUserByEmail(deps.db, org.id, parsed.data.email)) {
          return itemError('users', index, 'DUPLICATE_DATA', 'email', 'duplicate data');
        }
        const created = insertUser(
          deps.db,
          org,
          { first_name: parsed.data.first_name, last_name: parsed.data.last_name, email: parsed.data.email, profile: parsed.data.profile?.name ?? 'Standard' },
          caller.id,
          now,
        );
        return { code: 'SUCCESS', details: { id: created.id }, message: 'User added', status: 'success' } satisfies Entry;
      }),
    )();
    return zohoJson(c, { users: results }, entriesStatus(results, 201));
  });

  app.get('/org', (c) => {
    requireScopes(c, 'ZohoCRM.org.READ');
    const { org } = auth(c);
    const admin = listUsers(deps.db, org.id).find((user) => user.profile === 'Administrator');
    if (!admin) throw new ZohoError(500, 'INTERNAL_ERROR', 'org has no administrator');
    return zohoJson(c, {
      org: [
        {
          id: org.record_id,
          company_name: org.name,
          primary_email: admin.email,
          zgid: org.id,
          primary_zuid: admin.zuid,
          domain_name: `org${org.id}`,
          time_zone: org.time_zone,
          currency: 'US Dollar - USD',
          currency_symbol: '$',
          iso_code: 'USD',
          country_code: org.dc.toUpperCase(),
          type: 'production',
          license_details: { paid: true, paid_type: 'enterprise', users_license_purchased: 10, trial_type: null, trial_expiry: null, paid_expiry: null, portal_users_license_purchased: 0 },
          hipaa_compliance_enabled: false,
          mc_status: false,
          created_time: zohoTime(org.created_time),
        },
      ],
    });
  });
}
