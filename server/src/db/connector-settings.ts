import type { ConnectorSettingsRow } from './schema.js';
import type { Db } from './store.js';

/** What an org saved for its connector: the switch, the name and the settings as JSON. */
export type ConnectorSettingsRecord = Pick<ConnectorSettingsRow, 'org_id' | 'enabled' | 'name' | 'settings' | 'updated_at'>;

/** The org's saved connector settings, or undefined before an admin saved any. */
export async function findConnectorSettings(db: Db, orgId: string): Promise<Pick<ConnectorSettingsRow, 'enabled' | 'settings'> | undefined> {
  return db.selectFrom('connector_settings').select(['enabled', 'settings']).where('org_id', '=', orgId).executeTakeFirst();
}

/** Saves the org's connector settings (the dirty flag is left as it is). */
export async function upsertConnectorSettings(db: Db, record: ConnectorSettingsRecord): Promise<void> {
  await db
    .insertInto('connector_settings')
    .values(record)
    .onConflict((oc) =>
      oc.column('org_id').doUpdateSet((eb) => ({
        enabled: eb.ref('excluded.enabled'),
        name: eb.ref('excluded.name'),
        settings: eb.ref('excluded.settings'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}

/** Sets the org's dirty flag (a change arrived while a run was going). */
export async function setConnectorDirty(db: Db, orgId: string): Promise<void> {
  await db.updateTable('connector_settings').set({ dirty: 1 }).where('org_id', '=', orgId).execute();
}

/** Clears the org's dirty flag; answers whether it was set. */
export async function clearConnectorDirty(db: Db, orgId: string): Promise<boolean> {
  const result = await db.updateTable('connector_settings').set({ dirty: 0 }).where('org_id', '=', orgId).where('dirty', '=', 1).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
