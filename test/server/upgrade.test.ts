import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appMigrations } from '../../server/src/db/migrations.js';
import { openStore } from '../../server/src/db/store.js';
import { startTestBackend } from '../helpers/backend-harness.js';
import { connectOrg } from '../helpers/connected-org.js';
import { setUpAssistant } from '../helpers/engine-scenario.js';
import { startTestSandbox } from '../helpers/sandbox-client.js';
import { rows, run, value } from '../helpers/store.js';

/**
 * A data directory (SQLite) written by the release before this one (schema version 5: no leases or sequence_requests table, no assistants.archived_at, no lead profile columns, no
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
        leadId = (await scenario.leadOf(recordId))!.id;
      } finally {
        await first.stop();
      }
      // Back to the previous release's schema: what a data directory written by it looks like.
      const old = await openStore({ path: dbPath }, appMigrations.filter((migration) => migration.version <= 5));
      const count = async (db: typeof old.db, table: string) => [table, await value<number>(db, `SELECT COUNT(*) AS n FROM ${table}`)] as const;
      let before: Record<string, number | undefined>;
      try {
        for (const statement of ['DROP TABLE leases', 'DROP INDEX jobs_org_due', 'DROP TABLE sequence_requests', 'ALTER TABLE assistants DROP COLUMN archived_at', 'ALTER TABLE assistants DROP COLUMN other_languages', 'ALTER TABLE assistants DROP COLUMN approval', 'ALTER TABLE assistants DROP COLUMN draft_expiry_days', ...['title', 'industry', 'city', 'country', 'language', 'time_zone'].map((column) => `ALTER TABLE leads DROP COLUMN ${column}`), 'DELETE FROM schema_migrations WHERE version > 5']) await run(old.db, statement);
        before = Object.fromEntries(await Promise.all(TABLES.map((table) => count(old.db, table))));
        expect(before.leads).toBe(1);
      } finally {
        await old.close();
      }

      const second = await startTestBackend({ sandbox, dbPath });
      try {
        const db = second.deps.db;
        expect((await rows<{ version: number }>(db, 'SELECT version FROM schema_migrations ORDER BY version')).map((entry) => entry.version)).toEqual(appMigrations.map((migration) => migration.version).sort((a, b) => a - b));
        expect((await rows<{ name: string }>(db, "SELECT name FROM sqlite_master WHERE name IN ('leases', 'jobs_org_due') ORDER BY name")).map((entry) => entry.name)).toEqual(['jobs_org_due', 'leases']);
        const after = Object.fromEntries(await Promise.all(TABLES.map((table) => count(db, table))));
        expect(after).toEqual(before);
        const orgId = (await value<string>(db, 'SELECT id FROM orgs'))!;
        expect((await second.deps.engine.lead(orgId, leadId))?.status).toBe('active');
        // The tokens still open, and the engine goes on with the old jobs.
        expect(await second.deps.vault.refreshTokenOf(orgId)).toBeTruthy();
        await second.deps.engine.runUntilIdle();
      } finally {
        await second.stop();
      }
    } finally {
      await sandbox.stop();
    }
  });
});
