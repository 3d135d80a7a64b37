import { z } from 'zod';
import type { Db } from '../db/open-db.js';

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

export function getConnectorSettings(db: Db, orgId: string): ConnectorSettings {
  const row = db.prepare('SELECT settings FROM connector_settings WHERE org_id = ?').get(orgId) as { settings: string } | undefined;
  return row ? { ...DEFAULT_CONNECTOR_SETTINGS, ...(JSON.parse(row.settings) as Partial<ConnectorSettings>) } : DEFAULT_CONNECTOR_SETTINGS;
}

export function saveConnectorSettings(db: Db, orgId: string, settings: ConnectorSettings, now: number): void {
  db.prepare(
    `INSERT INTO connector_settings (org_id, enabled, name, settings, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (org_id) DO UPDATE SET enabled = excluded.enabled, name = excluded.name, settings = excluded.settings, updated_at = excluded.updated_at`,
  ).run(orgId, settings.enabled ? 1 : 0, settings.name, JSON.stringify(settings), now);
}

/** A change arrived while a run was going: the job runs again soon rather than at the schedule. */
export function markSyncWanted(db: Db, orgId: string): void {
  db.prepare('UPDATE connector_settings SET dirty = 1 WHERE org_id = ?').run(orgId);
}

/** Clears the flag and answers whether it was set. */
export function takeSyncWanted(db: Db, orgId: string): boolean {
  return db.prepare('UPDATE connector_settings SET dirty = 0 WHERE org_id = ? AND dirty = 1').run(orgId).changes === 1;
}

export function connectorEnabled(db: Db, orgId: string): boolean {
  return (db.prepare('SELECT enabled FROM connector_settings WHERE org_id = ?').get(orgId) as { enabled: number } | undefined)?.enabled === 1;
}
