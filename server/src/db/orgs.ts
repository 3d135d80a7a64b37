import type { OrgConnection } from '../zoho/gateway.js';
import { randomUUID } from 'node:crypto';
import type { OrgsRow } from './schema.js';
import { type Db, dialectOf, transaction } from './store.js';

export type OrgStatus = 'active' | 'authorization_expired' | 'disconnected';

/**
 * An org as stored. `widget_origins` is the JSON array of the widget origins the org's settings
 * tab authorized from (admin sessions go only there).
 */
export type OrgRow = Omit<OrgsRow, 'status'> & { status: OrgStatus };

export interface AuthorizedOrg {
  zohoOrgId: string;
  name: string;
  dc: string;
  accountsServer: string;
  apiDomain: string;
  userId: string;
  userEmail: string;
  scopes: string;
}

/**
 * Creates the org on first authorization, or brings it back to active with the new details. One
 * statement keyed by the Zoho org id, so two authorizations at once still make one org.
 */
export async function upsertAuthorizedOrg(db: Db, input: AuthorizedOrg, now: number): Promise<OrgRow> {
  return db
    .insertInto('orgs')
    .values({
      id: randomUUID(),
      zoho_org_id: input.zohoOrgId,
      name: input.name,
      dc: input.dc,
      accounts_server: input.accountsServer,
      api_domain: input.apiDomain,
      status: 'active',
      authorized_by_user_id: input.userId,
      authorized_by_email: input.userEmail,
      scopes: input.scopes,
      authorized_at: now,
      status_reason: null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.column('zoho_org_id').doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'),
        dc: eb.ref('excluded.dc'),
        accounts_server: eb.ref('excluded.accounts_server'),
        api_domain: eb.ref('excluded.api_domain'),
        status: 'active',
        authorized_by_user_id: eb.ref('excluded.authorized_by_user_id'),
        authorized_by_email: eb.ref('excluded.authorized_by_email'),
        scopes: eb.ref('excluded.scopes'),
        authorized_at: eb.ref('excluded.authorized_at'),
        status_reason: null,
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .returningAll()
    .$narrowType<{ status: OrgStatus }>()
    .executeTakeFirstOrThrow();
}

/** Remembers the origin of the org's settings tab, as it was when an administrator authorized the backend. */
export async function registerWidgetOrigin(db: Db, id: string, origin: string): Promise<void> {
  // Read and write in one transaction, so two registrations at once both land.
  await transaction(db, async (tx) => {
    const row = await lockedOrg(tx, id);
    if (!row) return;
    const origins = (JSON.parse(row.widget_origins) as string[]).filter((known) => known !== origin);
    await tx
      .updateTable('orgs')
      .set({ widget_origins: JSON.stringify([origin, ...origins].slice(0, 10)) })
      .where('id', '=', id)
      .execute();
  });
}

/** The org's widget origins, its row locked against other writers until the transaction ends (PostgreSQL; SQLite's transaction already holds the write lock). */
async function lockedOrg(tx: Db, id: string): Promise<{ widget_origins: string } | undefined> {
  const query = tx.selectFrom('orgs').select('widget_origins').where('id', '=', id);
  return (dialectOf(tx) === 'postgres' ? query.forUpdate() : query).executeTakeFirst();
}

/** The org's widget origins, newest first. */
export function widgetOriginsOf(org: Pick<OrgRow, 'widget_origins'>): string[] {
  return JSON.parse(org.widget_origins) as string[];
}

/** The org by our id. */
export async function getOrg(db: Db, id: string): Promise<OrgRow | undefined> {
  return db.selectFrom('orgs').selectAll().where('id', '=', id).$narrowType<{ status: OrgStatus }>().executeTakeFirst();
}

/** The org by Zoho's org id (zgid). */
export async function findOrgByZohoId(db: Db, zohoOrgId: string): Promise<OrgRow | undefined> {
  return db.selectFrom('orgs').selectAll().where('zoho_org_id', '=', zohoOrgId).$narrowType<{ status: OrgStatus }>().executeTakeFirst();
}

/** Every active org, oldest first. */
export async function listActiveOrgs(db: Db): Promise<OrgRow[]> {
  return db.selectFrom('orgs').selectAll().where('status', '=', 'active').orderBy('created_at').$narrowType<{ status: OrgStatus }>().execute();
}

export async function setOrgStatus(db: Db, id: string, status: OrgStatus, reason: string | null, now: number): Promise<void> {
  await db.updateTable('orgs').set({ status, status_reason: reason, updated_at: now }).where('id', '=', id).execute();
}

/** How often the org row records that notifications arrive (every webhook writing it would make them queue for its lock). */
export const NOTIFICATION_MARK_MS = 60_000;

export async function recordNotification(db: Db, id: string, now: number): Promise<void> {
  await db
    .updateTable('orgs')
    .set({ last_notification_at: now })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_notification_at', 'is', null), eb('last_notification_at', '<', now - NOTIFICATION_MARK_MS)]))
    .execute();
}

/** How the gateway reaches the org's Zoho (its API domain and accounts server). */
export function connectionOf(org: OrgRow): OrgConnection {
  return { orgId: org.id, apiDomain: org.api_domain, accountsServer: org.accounts_server };
}
