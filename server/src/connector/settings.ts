import { z } from 'zod';
import { clearConnectorDirty, findConnectorSettings, setConnectorDirty, upsertConnectorSettings } from '../db/connector-settings.js';
import type { Db } from '../db/store.js';

/** What an admin decides about the Zoho connector (the defaults: off, update only). */
export const connectorSettingsSchema = z
  .object({
    enabled: z.boolean(),
    name: z.string().trim().min(1).max(80),
    /** Allow creating Contacts that Zoho does not have (matched by email). Off: update only. */
    create_contacts: z.boolean(),
    /** Allow creating Accounts that Zoho does not have (matched by the account-ID field). */
    create_accounts: z.boolean(),
    /** The Accounts field that holds our account IDs (the company's email domain); null: companies do not sync. */
    account_id_field: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,99}$/).nullable(),
    /** Segments that limit what syncs, per entity; none for an entity means all of it. */
    segment_ids: z.array(z.string().uuid()).max(50),
    /** Mappings besides the defaults (email, names, phone; name, domain). */
    mappings: z
      .array(z.object({ entity: z.enum(['contact', 'account']), property: z.string().min(1).max(60), zoho_field: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,99}$/) }).strict())
      // Zoho's COQL reads at most 50 columns; the defaults and the match keys take some.
      .max(40),
    /** How often a full sync runs (changes also trigger one, debounced). */
    schedule_minutes: z.number().int().min(5).max(7 * 24 * 60),
    /** How long run and record logs are kept. */
    log_retention_days: z.number().int().min(1).max(365),
  })
  .strict();

export type ConnectorSettings = z.infer<typeof connectorSettingsSchema>;

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
