import type { NotificationChannelsRow, OrgFieldsRow } from './schema.js';
import type { Db } from './store.js';

/** What the authorization left in Zoho for an org: resolved field API names, channel, widget key. */

export type FieldRole = 'context' | 'sequence' | 'status';

/** A field we made (or found) in Zoho, with the API name Zoho reported for it. */
export type OrgFieldRow = Omit<OrgFieldsRow, 'role'> & { role: FieldRole };

export async function saveOrgField(db: Db, row: OrgFieldRow): Promise<void> {
  await db
    .insertInto('org_fields')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['org_id', 'module', 'role']).doUpdateSet((eb) => ({
        api_name: eb.ref('excluded.api_name'),
        field_label: eb.ref('excluded.field_label'),
        data_type: eb.ref('excluded.data_type'),
      })),
    )
    .execute();
}

export async function listOrgFields(db: Db, orgId: string): Promise<OrgFieldRow[]> {
  return db.selectFrom('org_fields').selectAll().where('org_id', '=', orgId).orderBy('module').orderBy('role').$narrowType<{ role: FieldRole }>().execute();
}

/** The org's notification channel: its token sealed, its events a JSON array. */
export type ChannelRow = NotificationChannelsRow;

export async function saveChannel(db: Db, row: ChannelRow): Promise<void> {
  await db
    .insertInto('notification_channels')
    .values(row)
    .onConflict((oc) =>
      oc.column('org_id').doUpdateSet((eb) => ({
        channel_id: eb.ref('excluded.channel_id'),
        token_sealed: eb.ref('excluded.token_sealed'),
        events: eb.ref('excluded.events'),
        expires_at: eb.ref('excluded.expires_at'),
        renewed_at: eb.ref('excluded.renewed_at'),
      })),
    )
    .execute();
}

export async function getChannelOfOrg(db: Db, orgId: string): Promise<ChannelRow | undefined> {
  return db.selectFrom('notification_channels').selectAll().where('org_id', '=', orgId).executeTakeFirst();
}

export async function findChannel(db: Db, channelId: string): Promise<ChannelRow | undefined> {
  return db.selectFrom('notification_channels').selectAll().where('channel_id', '=', channelId).executeTakeFirst();
}

/** Channels of active orgs that expire before `before`, soonest first. */
export async function channelsExpiringBefore(db: Db, before: number): Promise<ChannelRow[]> {
  return db
    .selectFrom('notification_channels as c')
    .innerJoin('orgs as o', 'o.id', 'c.org_id')
    .selectAll('c')
    .where('o.status', '=', 'active')
    .where('c.expires_at', '<', before)
    .orderBy('c.expires_at')
    .execute();
}

export async function deleteChannelOfOrg(db: Db, orgId: string): Promise<void> {
  await db.deleteFrom('notification_channels').where('org_id', '=', orgId).execute();
}

export async function setWidgetKeyHash(db: Db, orgId: string, keyHash: string, now: number): Promise<void> {
  await db
    .insertInto('widget_keys')
    .values({ org_id: orgId, key_hash: keyHash, created_at: now })
    .onConflict((oc) => oc.column('org_id').doUpdateSet((eb) => ({ key_hash: eb.ref('excluded.key_hash'), created_at: eb.ref('excluded.created_at') })))
    .execute();
}

export async function findOrgIdByWidgetKeyHash(db: Db, keyHash: string): Promise<string | undefined> {
  const row = await db.selectFrom('widget_keys').select('org_id').where('key_hash', '=', keyHash).executeTakeFirst();
  return row?.org_id;
}

export async function deleteWidgetKey(db: Db, orgId: string): Promise<void> {
  await db.deleteFrom('widget_keys').where('org_id', '=', orgId).execute();
}
