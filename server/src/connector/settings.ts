import { type ConnectorSettings, connectorSettingsSchema } from '../contract/connector.js';
import { clearConnectorDirty, findConnectorSettings, setConnectorDirty, upsertConnectorSettings } from '../db/connector-settings.js';
import type { Db } from '../db/store.js';

// The settings' schema is the contract's (server/src/contract/connector.ts): the widget is typed by it.
export { type ConnectorSettings, connectorSettingsSchema };

export const DEFAULT_CONNECTOR_SETTINGS: ConnectorSettings = {
  enabled: false,
  name: 'Zoho CRM',
  create_contacts: false,
  create_accounts: false,
  account_id_field: null,
  segment_ids: [],
  mappings: [],
  schedule_minutes: 60,
  log_retention_days: 30,
};

/** The org's connector settings: what it saved over the defaults (the defaults before it saved any). */
export async function getConnectorSettings(db: Db, orgId: string): Promise<ConnectorSettings> {
  const row = await findConnectorSettings(db, orgId);
  return row ? { ...DEFAULT_CONNECTOR_SETTINGS, ...(JSON.parse(row.settings) as Partial<ConnectorSettings>) } : DEFAULT_CONNECTOR_SETTINGS;
}

/** Saves the org's connector settings (the switch and name also in their own columns). */
export async function saveConnectorSettings(db: Db, orgId: string, settings: ConnectorSettings, now: number): Promise<void> {
  await upsertConnectorSettings(db, { org_id: orgId, enabled: settings.enabled ? 1 : 0, name: settings.name, settings: JSON.stringify(settings), updated_at: now });
}

/** A change arrived while a run was going: the job runs again soon rather than at the schedule. */
export async function markSyncWanted(db: Db, orgId: string): Promise<void> {
  await setConnectorDirty(db, orgId);
}

/** Clears the flag and answers whether it was set. */
export async function takeSyncWanted(db: Db, orgId: string): Promise<boolean> {
  return clearConnectorDirty(db, orgId);
}

/** Whether the org's connector is switched on. */
export async function connectorEnabled(db: Db, orgId: string): Promise<boolean> {
  return (await findConnectorSettings(db, orgId))?.enabled === 1;
}
