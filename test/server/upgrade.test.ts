import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appMigrations } from '../../server/src/db/migrations.js';
import { openDb } from '../../server/src/db/open-db.js';
import { startTestBackend } from '../helpers/backend-harness.js';
import { connectOrg } from '../helpers/connected-org.js';
import { setUpAssistant } from '../helpers/engine-scenario.js';
import { startTestSandbox } from '../helpers/sandbox-client.js';

/**
 * A data directory written by the release before this one (schema version 5: no leases table, no
 * jobs_org_due index) opens with this release, migrates, and loses nothing: the org, its tokens,
 * the lead, its jobs, outbox and events are all there and the engine carries on with them.
 */

const dir = mkdtempSync(join(tmpdir(), 'upgrade-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TABLES = ['orgs', 'zoho_tokens', 'notification_channels', 'assistants', 'sequences', 'sequence_steps', 'leads', 'lead_events', 'jobs', 'outbox', 'sweeps'];

describe('upgrading a data directory', () => {
  it('a database at schema 5, with an org, an assistant and a lead worked, migrates to this release without losing a row', async () => {
    const sandbox = await startTestSandbox();
    const dbPath = join(dir, 'app.sqlite');
    try {
      const first = await startTestBackend({ sandbox, dbPath });
      let leadId: string;
      try {
        const org = await connectOrg(first);
        const scenario = await setUpAssistant(first, org);
        const recordId = await scenario.contact();
        await scenario.assign('Contacts', recordId, scenario.assistantUserId);
        await scenario.settle();
        leadId = scenario.leadOf(recordId)!.id;
      } finally {
        await first.stop();
      }
      // Back to the previous release's schema: what a data directory written by it looks like.
      const old = openDb(dbPath, appMigrations.filter((migration) => migration.version <= 5));
      old.exec("DROP TABLE leases; DROP INDEX jobs_org_due; DELETE FROM schema_migrations WHERE version > 5;");
      const before = Object.fromEntries(TABLES.map((table) => [table, old.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number]));
      expect(before.leads).toBe(1);
      old.close();

      const second = await startTestBackend({ sandbox, dbPath });
      try {
        const db = second.deps.db;
        expect(db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all()).toEqual(appMigrations.map((migration) => migration.version).sort((a, b) => a - b));
        expect(db.prepare("SELECT name FROM sqlite_master WHERE name IN ('leases', 'jobs_org_due') ORDER BY name").pluck().all()).toEqual(['jobs_org_due', 'leases']);
        const after = Object.fromEntries(TABLES.map((table) => [table, db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number]));
        expect(after).toEqual(before);
        const orgId = (db.prepare('SELECT id FROM orgs').get() as { id: string }).id;
        expect(second.deps.engine.lead(orgId, leadId)?.status).toBe('active');
        // The tokens still open, and the engine goes on with the old jobs.
        expect(second.deps.vault.refreshTokenOf(orgId)).toBeTruthy();
        await second.deps.engine.runUntilIdle();
      } finally {
        await second.stop();
      }
    } finally {
      await sandbox.stop();
    }
  });
});
