import { Hono } from 'hono';
import type { z } from 'zod';
import type { ConnectorAnswer, RunRecordView, RunView, connectorSavedAnswer, dryRunAnswer, runRecordsAnswer, runsAnswer, segmentsAnswer, zohoFieldsAnswer } from '../contract/connector.js';
import { SYNC_ACTIONS } from '../contract/connector.js';
import { getOrg } from '../db/orgs.js';
import { requireAdmin, zohoCall } from '../http/auth.js';
import type { AppDeps, AppEnv } from '../http/context.js';
import { AppError, appErrors } from '../http/errors.js';
import { jsonBody } from '../http/validate.js';
import { DEFAULT_MAPPINGS, accountIdFieldProblem, incompatibility } from '../connector/mapping.js';
import { ACCOUNT_PROPERTIES, CONTACT_PROPERTIES, entityOf } from '../connector/properties.js';
import { OPERATORS, createSegment, deleteSegment, listSegments, segmentProblems, segmentSchema } from '../connector/segments.js';
import { leadPeople } from '../db/leads.js';
import { zohoRecordUrl } from '../zoho/record-url.js';
import { connectorSettingsSchema, getConnectorSettings, saveConnectorSettings } from '../connector/settings.js';
import { getRun, listRuns, runRecords } from '../connector/sync.js';
import { connectionOf } from '../db/orgs.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * The Zoho connector: settings (checked against Zoho's field metadata when saved), segments,
 * dry runs, runs and their logs. Reads for any widget caller; changes and runs for admins.
 */
export function connectorApi(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const orgOf = (c: { get(key: 'caller'): { org: { id: string } } }) => c.get('caller').org.id;
  /** Log lines name people, not ids: the lead's name and email (an account by its domain) and a link to the Zoho record. */
  const named = async (orgId: string, records: Omit<RunRecordView, 'name' | 'email' | 'zoho_url'>[]): Promise<RunRecordView[]> => {
    const org = await getOrg(deps.db, orgId);
    const people = await leadPeople(deps.db, orgId, records.filter((record) => record.entity === 'contact').map((record) => record.our_id));
    return records.map((record) => {
      const person = record.entity === 'contact' ? people.get(record.our_id) : undefined;
      const module = record.entity === 'contact' ? 'Contacts' : 'Accounts';
      return {
        ...record,
        name: person ? person.name : record.entity === 'account' ? record.our_id : null,
        email: person?.email ?? null,
        zoho_url: org && record.zoho_id ? zohoRecordUrl(org, module, record.zoho_id) : null,
      };
    });
  };

  app.get('/connector', async (c) =>
    c.json({
      settings: await getConnectorSettings(deps.db, orgOf(c)),
      default_mappings: DEFAULT_MAPPINGS.map((mapping) => ({ entity: mapping.entity, property: mapping.property, zoho_field: mapping.zohoField })),
      properties: { contact: CONTACT_PROPERTIES, account: ACCOUNT_PROPERTIES },
      operators: OPERATORS,
    } satisfies ConnectorAnswer),
  );

  /** The Zoho fields a mapping can write, from Zoho's field metadata: chosen from a list, with their types. */
  app.get('/connector/zoho-fields', async (c) => {
    const org = await getOrg(deps.db, orgOf(c));
    if (!org || org.status !== 'active') throw appErrors.orgNotAuthorized(org?.status ?? 'disconnected');
    const [contacts, accounts] = await zohoCall(() => Promise.all([deps.gateway.listFields(connectionOf(org), 'Contacts'), deps.gateway.listFields(connectionOf(org), 'Accounts')]));
    const writable = (fields: typeof contacts) => fields.filter((field) => !field.readOnly).map((field) => ({ apiName: field.apiName, label: field.label, type: field.dataType, length: field.length }));
    return c.json({ contact: writable(contacts), account: writable(accounts) } satisfies z.infer<typeof zohoFieldsAnswer>);
  });

  app.put('/connector', async (c) => {
    requireAdmin(c);
    const orgId = orgOf(c);
    const input = await jsonBody(c, connectorSettingsSchema);
    const segments = await listSegments(deps.db, orgId);
    const unknown = input.segment_ids.filter((id) => !segments.some((segment) => segment.id === id));
    if (unknown.length > 0) throw appErrors.validation(`No such segment: ${unknown.join(', ')}.`);
    // Two mappings writing one Zoho field (a default included) would race: refused.
    const targets = [...DEFAULT_MAPPINGS.map((mapping) => `${mapping.entity}:${mapping.zohoField}`), ...input.mappings.map((mapping) => `${mapping.entity}:${mapping.zoho_field}`)];
    const twice = targets.filter((target, index) => targets.indexOf(target) !== index);
    if (twice.length > 0) throw new AppError(400, 'MAPPING_INCOMPATIBLE', `Each Zoho field takes one property: ${[...new Set(twice)].map((target) => target.replace(':', ' → '))} is mapped more than once.`);
    // Switching off (or saving while off) needs no Zoho: the checks run when it is switched on.
    if (!input.enabled) {
      await saveConnectorSettings(deps.db, orgId, input, deps.engine.now());
      await deps.engine.connectorOff(orgId);
      return c.json({ settings: await getConnectorSettings(deps.db, orgId) } satisfies z.infer<typeof connectorSavedAnswer>);
    }
    // Every mapping and the account-ID field are checked against Zoho's own metadata: refused with the reason.
    const org = await getOrg(deps.db, orgId);
    if (!org || org.status !== 'active') throw appErrors.orgNotAuthorized(org?.status ?? 'disconnected');
    const [contactFields, accountFields] = await zohoCall(() => Promise.all([deps.gateway.listFields(connectionOf(org), 'Contacts'), deps.gateway.listFields(connectionOf(org), 'Accounts')]));
    const problems = input.mappings
      .map((mapping, index) => {
        const reason = incompatibility({ entity: mapping.entity, property: mapping.property, zohoField: mapping.zoho_field }, mapping.entity === 'contact' ? contactFields : accountFields);
        return reason ? { mapping: index, reason } : null;
      })
      .filter((problem) => problem !== null);
    if (input.account_id_field) {
      const reason = accountIdFieldProblem(input.account_id_field, accountFields);
      if (reason) problems.push({ mapping: -1, reason });
    }
    if (problems.length > 0) throw new AppError(400, 'MAPPING_INCOMPATIBLE', problems.map((problem) => problem.reason).join('; '), problems);
    await saveConnectorSettings(deps.db, orgId, input, deps.engine.now());
    if (input.enabled) await deps.engine.syncNow(orgId);
    return c.json({ settings: await getConnectorSettings(deps.db, orgId) } satisfies z.infer<typeof connectorSavedAnswer>);
  });

  app.get('/connector/segments', async (c) => c.json({ segments: await listSegments(deps.db, orgOf(c)) } satisfies z.infer<typeof segmentsAnswer>));

  app.post('/connector/segments', async (c) => {
    requireAdmin(c);
    const input = await jsonBody(c, segmentSchema);
    const problems = segmentProblems(input.entity, input.conditions);
    if (problems.length > 0) throw appErrors.validation(problems.join('; '), problems);
    const segment = await createSegment(deps.db, orgOf(c), input, deps.engine.now());
    if (!segment) throw appErrors.conflict(`A segment is already named "${input.name}".`);
    return c.json(segment, 201);
  });

  app.delete('/connector/segments/:id', async (c) => {
    requireAdmin(c);
    const orgId = orgOf(c);
    const id = c.req.param('id');
    if ((await getConnectorSettings(deps.db, orgId)).segment_ids.includes(id)) throw appErrors.conflict('The connector uses this segment: remove it from the connector settings first.');
    if (!(await deleteSegment(deps.db, orgId, id))) throw appErrors.notFound('The segment');
    return c.body(null, 204);
  });

  /** A dry run: what a run would create, update, skip and reject, and why, without writing to Zoho. */
  app.post('/connector/dry-run', async (c) => {
    requireAdmin(c);
    const result = await zohoCall(() => deps.engine.connectorDryRun(orgOf(c)));
    return c.json({ run: describeRun(result.run), records: await named(orgOf(c), result.records.map(({ ourId, zohoId, ...rest }) => ({ ...rest, our_id: ourId, zoho_id: zohoId }))) } satisfies z.infer<typeof dryRunAnswer>);
  });

  app.post('/connector/run', async (c) => {
    requireAdmin(c);
    const orgId = orgOf(c);
    if (!(await getConnectorSettings(deps.db, orgId)).enabled) throw appErrors.conflict('The connector is off: enable it first.');
    await deps.engine.syncNow(orgId);
    return c.json({ queued: true }, 202);
  });

  app.get('/connector/runs', async (c) => {
    const limit = Math.min(Math.max(Number(c.req.query('limit') ?? 20) || 20, 1), 200);
    return c.json({ runs: (await listRuns(deps, orgOf(c), limit)).map(describeRun) } satisfies z.infer<typeof runsAnswer>);
  });

  app.get('/connector/runs/:id/records', async (c) => {
    const orgId = orgOf(c);
    const id = Number(c.req.param('id'));
    if (!Number.isInteger(id) || !(await getRun(deps, orgId, id))) throw appErrors.notFound('The run');
    const action = c.req.query('action');
    const entity = c.req.query('entity');
    if (action && !['create', 'update', 'skip', 'reject'].includes(action)) throw appErrors.validation('action must be create, update, skip or reject.');
    if (entity && !['contact', 'account'].includes(entity)) throw appErrors.validation('entity must be contact or account.');
    const records = await runRecords(deps, orgId, id, { ...(action ? { action } : {}), ...(entity ? { entity } : {}) });
    return c.json({ records: await named(orgId, records.map((row) => ({ ...row, entity: entityOf(row.entity), action: actionOf(row.action), at: new Date(row.at).toISOString() }))) } satisfies z.infer<typeof runRecordsAnswer>);
  });

  return app;
}

function describeRun(run: NonNullable<Awaited<ReturnType<typeof getRun>>>): RunView {
  return { ...run, dry_run: run.dry_run === 1, started_at: new Date(run.started_at).toISOString(), finished_at: iso(run.finished_at) };
}

/** A logged action as one of the contract's (the log keeps it as text). */
function actionOf(value: string): RunRecordView['action'] {
  const action = SYNC_ACTIONS.find((candidate) => candidate === value);
  if (!action) throw new Error(`unknown sync action: ${value}`);
  return action;
}
