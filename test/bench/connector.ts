/**
 * The connector's figures: one sync of 1,000 leads into Zoho through the sandbox — Zoho calls and
 * credits per 100 records for a first run (everything updated), a second run (everything already
 * up to date) and a dry run, and how long each takes on loopback.
 */
import { DEFAULT_CONNECTOR_SETTINGS } from '../../server/src/connector/settings.js';
import { runSync } from '../../server/src/connector/sync.js';
import { createLead } from '../../server/src/db/leads.js';
import { transaction } from '../../server/src/db/store.js';
import { startTestBackend } from '../helpers/backend-harness.js';
import { connectOrg } from '../helpers/connected-org.js';
import { setUpAssistant } from '../helpers/engine-scenario.js';
import { value } from '../helpers/store.js';

const LEADS = 1_000;
const backend = await startTestBackend({ env: { LOG_LEVEL: 'silent' } });
try {
  const org = await connectOrg(backend);
  const scenario = await setUpAssistant(backend, org);
  const zoho = async (method: string, path: string, body?: unknown) => backend.sandbox.crm((await backend.sandbox.token(org.zoho)).access_token, method, path, body, org.zoho.api_domain);
  await zoho('POST', '/settings/fields?module=Contacts', { fields: [{ field_label: 'Assistant State', data_type: 'text', length: 50 }, { field_label: 'Engagement Score', data_type: 'integer' }] });
  const orgId = (await value<string>(backend.deps.db, 'SELECT id FROM orgs'))!;
  const sequenceId = (await value<string>(backend.deps.db, 'SELECT id FROM sequences WHERE org_id = ? AND is_default = 1', orgId))!;
  // 1,000 Contacts in Zoho (100 per call) and a lead for each on our side, as if the assistant had worked them.
  for (let start = 0; start < LEADS; start += 100) {
    const data = Array.from({ length: 100 }, (_, index) => ({ First_Name: 'Pat', Last_Name: `Lead ${start + index}`, Email: `pat.${start + index}@company${(start + index) % 50}.test`, Owner: { id: org.repId } }));
    const created = await zoho('POST', '/Contacts', { data });
    const now = backend.sandbox.clock.now();
    await transaction(backend.deps.db, async (tx) => {
      for (const [index, row] of (created.body.data as { details: { id: string } }[]).entries()) {
        await createLead(
          tx,
          {
            org_id: orgId,
            assistant_id: String(scenario.assistant.id),
            zoho_module: 'Contacts',
            zoho_record_id: row.details.id,
            email: data[index]!.Email,
            first_name: 'Pat',
            last_name: data[index]!.Last_Name,
            company: `Company ${(start + index) % 50}`,
            context: 'bench',
            sequence_id: sequenceId,
            steps_total: 4,
            previous_owner_id: org.repId,
            previous_owner_name: 'Sam Sales',
          },
          now,
        );
      }
    });
  }
  // Saved off, so only the runs below happen (the mappings are checked when it is switched on).
  const saved = await org.api('PUT', '/connector', {
    ...DEFAULT_CONNECTOR_SETTINGS,
    mappings: [
      { entity: 'contact', property: 'lead_state', zoho_field: 'Assistant_State' },
      { entity: 'contact', property: 'engagement_score', zoho_field: 'Engagement_Score' },
    ],
  });
  if (saved.status !== 200) throw new Error(JSON.stringify(saved.body));
  const ledger = backend.sandbox.sandbox.deps.db;
  const credits = () => ledger.prepare('SELECT COALESCE(SUM(credits), 0) FROM credit_ledger').pluck().get() as number;

  console.log(`connector: ${LEADS} leads, 2 extra mappings, update only, loopback sandbox`);
  for (const [label, dryRun] of [['dry run', true], ['first run (all updated)', false], ['second run (all up to date)', false], ['dry run after', true]] as const) {
    const before = credits();
    const started = performance.now();
    const { run } = await runSync(backend.deps.engine.deps, orgId, { dryRun, trigger: 'bench' });
    const ms = performance.now() - started;
    const records = run.created + run.updated + run.skipped + run.rejected;
    console.log(
      `  ${label.padEnd(30)} ${String(run.api_calls).padStart(4)} calls ${String(credits() - before).padStart(5)} credits  ${((run.api_calls / records) * 100).toFixed(1).padStart(5)} calls per 100 records  ${ms.toFixed(0).padStart(6)} ms  (${run.updated} updated, ${run.skipped} skipped, ${run.rejected} rejected)`,
    );
  }
} finally {
  await backend.stop();
}
