import { useEffect, useState } from 'preact/hooks';
import type { ConnectorAnswer, ConnectorSettings, Entity, MappingInput, RunRecordView, RunView, SegmentView, ZohoFieldView } from '../../../server/src/contract/connector.js';
import { messageOf, useSettings } from './store.js';

type Mapping = MappingInput;
type Settings = ConnectorSettings;
type ZohoField = ZohoFieldView;
type Segment = SegmentView;
type Run = RunView;
type RunRecord = RunRecordView;
type ConnectorView = ConnectorAnswer;

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const counts = (run: Run) => `${run.created} created, ${run.updated} updated, ${run.skipped} skipped, ${run.rejected} rejected`;
const ACTION_WORDS: Record<string, string> = { create: 'Create', update: 'Update', skip: 'Skip', reject: 'Rejected by Zoho' };
const ENTITY_WORDS: Record<Entity, string> = { contact: 'Lead → Contact', account: 'Company → Account' };
const changesNothing = (run: Run) => run.status === 'done' && !run.dry_run && run.created + run.updated + run.rejected === 0 && !run.error;

/** Runs newest first, with each stretch of runs that changed nothing folded into one line. */
export function foldRuns(runs: Run[]): ({ kind: 'run'; run: Run } | { kind: 'quiet'; since: string; until: string; checks: number; runs: Run[] })[] {
  const lines: ReturnType<typeof foldRuns> = [];
  for (const run of runs) {
    const last = lines.at(-1);
    if (changesNothing(run) && last?.kind === 'quiet') {
      last.since = run.started_at;
      last.checks += 1;
      last.runs.push(run);
    } else if (changesNothing(run)) lines.push({ kind: 'quiet', since: run.started_at, until: run.started_at, checks: 1, runs: [run] });
    else lines.push({ kind: 'run', run });
  }
  return lines;
}

function RunRow({ run, show }: { run: Run; show: () => void }) {
  return (
    <tr>
      <td>{when(run.started_at)}</td>
      <td>{run.dry_run ? 'dry run' : run.trigger}</td>
      <td>
        {run.status === 'done' ? counts(run) : run.status}
        {run.error ? <div class="muted">{run.error}</div> : null}
      </td>
      <td>{run.api_calls}</td>
      <td>
        <button type="button" onClick={show}>
          Show
        </button>
      </td>
    </tr>
  );
}

/** A logged record as a person reads it: who, what happened and why, and a link to it in Zoho. */
function RecordLine({ record }: { record: RunRecord }) {
  const who = record.name ?? record.email ?? (record.entity === 'contact' ? 'A lead without a name' : 'An account');
  return (
    <li>
      <strong>{ACTION_WORDS[record.action] ?? record.action}</strong> {who}
      {record.email && record.name ? <span class="muted"> ({record.email})</span> : null}: {record.reason}
      {record.zoho_url && (
        <>
          {' '}
          <a href={record.zoho_url} target="_blank" rel="noopener noreferrer">
            Open in Zoho
          </a>
        </>
      )}
    </li>
  );
}

/**
 * The Zoho connector: what syncs into Zoho (enable, create or update only, the account-ID field,
 * segments, extra mappings), a dry run, Run now, and the run logs with per-record filters.
 */
export function ConnectorPanel() {
  const { backend, busy, connected, asAdmin } = useSettings();
  const [loadError, setLoadError] = useState<string | null>(null);
  const [zohoFields, setZohoFields] = useState<Record<Entity, ZohoField[]> | null>(null);
  const [fieldsProblem, setFieldsProblem] = useState<string | null>(null);
  const [view, setView] = useState<ConnectorView | null>(null);
  const [draft, setDraft] = useState<Settings | null>(null);
  const [segments, setSegments] = useState<Segment[]>([]);
  const [runs, setRuns] = useState<Run[]>([]);
  const [newMapping, setNewMapping] = useState<Mapping>({ entity: 'contact', property: 'lead_state', zoho_field: '' });
  const [dryRun, setDryRun] = useState<{ run: Run; records: RunRecord[] } | null>(null);
  const [shown, setShown] = useState<{ run: number; action: string; entity: string; records: RunRecord[] } | null>(null);
  const [segmentForm, setSegmentForm] = useState({ name: '', entity: 'contact' as Entity, property: 'lead_state', op: 'eq', value: '' });

  const load = async () => {
    const [loaded, segmentList, runList] = await Promise.all([
      backend.get<ConnectorView>('/connector'),
      backend.get<{ segments?: Segment[] }>('/connector/segments'),
      backend.get<{ runs?: Run[] }>('/connector/runs?limit=10'),
    ]);
    if (!loaded.settings) return;
    setView(loaded);
    setDraft(loaded.settings);
    setSegments(segmentList.segments ?? []);
    setRuns(runList.runs ?? []);
    // Zoho's own field list, for choosing a mapping's field; without it (Zoho unreachable) the API name is typed.
    backend.get<Record<Entity, ZohoField[]>>('/connector/zoho-fields').then(
      (fields) => {
        setZohoFields(fields);
        setFieldsProblem(null);
      },
      (caught: unknown) => setFieldsProblem(`Zoho's field list could not be read (${messageOf(caught)}): type the field's API name.`),
    );
  };

  useEffect(() => {
    load().catch((caught: unknown) => setLoadError(`The connector could not be loaded: ${messageOf(caught)}`));
  }, []);

  if (loadError) {
    return (
      <section aria-label="Connector">
        <h2>Zoho connector</h2>
        <p role="alert" class="notice error">
          {loadError}
        </p>
      </section>
    );
  }
  if (!view || !draft) return null;
  const propertyLabel = (entity: Entity, name: string) => view.properties[entity].find((property) => property.name === name)?.label ?? name;
  const fieldLabel = (entity: Entity, apiName: string) => {
    const field = zohoFields?.[entity].find((candidate) => candidate.apiName === apiName);
    return field ? `${field.label} (${field.type})` : apiName;
  };
  const segmentProperty = view.properties[segmentForm.entity].find((property) => property.name === segmentForm.property);
  /** The operator kept when the property changes, if the new property takes it; else its first. */
  const opFor = (entity: Entity, name: string, op: string) => {
    const type = view.properties[entity].find((property) => property.name === name)?.type;
    const allowed = view.operators.filter((operator) => !type || operator.types.includes(type));
    return allowed.some((operator) => operator.op === op) ? op : (allowed[0]?.op ?? op);
  };
  const operators = view.operators.filter((operator) => !segmentProperty || operator.types.includes(segmentProperty.type));
  const change = (patch: Partial<Settings>) => setDraft((current) => (current ? { ...current, ...patch } : current));

  const save = () =>
    asAdmin(async () => {
      await backend.put('/connector', draft);
      await load();
      return draft.enabled ? 'Connector saved: a sync runs now, then on every change and on schedule.' : 'Connector saved (off).';
    });

  const runDry = () =>
    asAdmin(async () => {
      const result = await backend.post<{ run: Run; records: RunRecord[] }>('/connector/dry-run');
      setDryRun(result);
      return `Dry run: ${counts(result.run)}. Nothing was written to Zoho.`;
    });

  const runNow = () =>
    asAdmin(async () => {
      await backend.post('/connector/run');
      return 'Sync started; its log appears below.';
    });

  const createSegment = () =>
    asAdmin(async () => {
      const property = view.properties[segmentForm.entity].find((candidate) => candidate.name === segmentForm.property);
      const raw = segmentForm.value.trim();
      // The value in the property's own kind: numbers for numbers, a list for "in", nothing for "is set".
      const value =
        segmentForm.op === 'is_set' || segmentForm.op === 'is_not_set'
          ? undefined
          : segmentForm.op === 'in'
            ? raw.split(',').map((item) => item.trim()).filter(Boolean)
            : property?.type === 'integer'
              ? Number(raw)
              : property?.type === 'boolean'
                ? raw === 'true'
                : raw;
      await backend.post('/connector/segments', { name: segmentForm.name.trim(), entity: segmentForm.entity, conditions: [{ property: segmentForm.property, op: segmentForm.op, ...(value === undefined ? {} : { value }) }] });
      setSegments((await backend.get<{ segments?: Segment[] }>('/connector/segments')).segments ?? []);
      setSegmentForm((current) => ({ ...current, name: '', value: '' }));
      return `Segment "${segmentForm.name.trim()}" created: tick it above and save to use it.`;
    });

  const showRecords = async (run: number, action: string, entity: string) => {
    const query = [action && `action=${action}`, entity && `entity=${entity}`].filter(Boolean).join('&');
    const result = await backend.get<{ records: RunRecord[] }>(`/connector/runs/${run}/records${query ? `?${query}` : ''}`);
    setShown({ run, action, entity, records: result.records });
  };

  return (
    <section aria-label="Connector">
      <h2>Zoho connector</h2>
      <p class="muted">
        Keeps Zoho current with what the assistant learns: states, scores, replies. It updates the Contacts and Accounts Zoho already has (matched by email, and by the
        account-ID field); it creates only what the two boxes below allow.
      </p>
      <form aria-label="Connector settings" onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}>
        <label class="inline">
          <input type="checkbox" checked={draft.enabled} onChange={(event) => change({ enabled: event.currentTarget.checked })} /> Enabled
        </label>
        <label>
          Connection name
          <input required value={draft.name} onInput={(event) => change({ name: event.currentTarget.value })} />
        </label>
        <label class="inline">
          <input type="checkbox" checked={draft.create_contacts} onChange={(event) => change({ create_contacts: event.currentTarget.checked })} /> Create Contacts Zoho does not have (matched by email)
        </label>
        <label class="inline">
          <input type="checkbox" checked={draft.create_accounts} onChange={(event) => change({ create_accounts: event.currentTarget.checked })} /> Create Accounts Zoho does not have
        </label>
        <label>
          Account-ID field in Zoho Accounts (holds the company's email domain; empty: companies do not sync)
          <input value={draft.account_id_field ?? ''} placeholder="e.g. Our_Account_ID" onInput={(event) => change({ account_id_field: event.currentTarget.value.trim() || null })} />
        </label>
        <fieldset>
          <legend>Segments (none chosen: everything syncs)</legend>
          {segments.length === 0 && <p class="muted">No segments yet: create one below.</p>}
          {segments.map((segment) => (
            <label class="inline">
              <input
                type="checkbox"
                checked={draft.segment_ids.includes(segment.id)}
                onChange={(event) => change({ segment_ids: event.currentTarget.checked ? [...draft.segment_ids, segment.id] : draft.segment_ids.filter((id) => id !== segment.id) })}
              />{' '}
              {segment.name} ({segment.entity === 'contact' ? 'leads' : 'accounts'})
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>Mappings</legend>
          <ul>
            {view.default_mappings.map((mapping) => (
              <li class="muted">
                {ENTITY_WORDS[mapping.entity]}: {propertyLabel(mapping.entity, mapping.property)} → {fieldLabel(mapping.entity, mapping.zoho_field)} (always)
              </li>
            ))}
            {draft.mappings.map((mapping, index) => (
              <li>
                {ENTITY_WORDS[mapping.entity]}: {propertyLabel(mapping.entity, mapping.property)} → {fieldLabel(mapping.entity, mapping.zoho_field)}{' '}
                <button type="button" aria-label={`Remove mapping ${propertyLabel(mapping.entity, mapping.property)}`} onClick={() => change({ mappings: draft.mappings.filter((_, other) => other !== index) })}>
                  Remove
                </button>
              </li>
            ))}
          </ul>
          <div class="row">
            <select aria-label="Entity" value={newMapping.entity} onChange={(event) => {
              const entity = event.currentTarget.value as Entity;
              setNewMapping((current) => ({ entity, property: view.properties[entity][0]?.name ?? '', zoho_field: current.zoho_field }));
            }}>
              <option value="contact">{ENTITY_WORDS.contact}</option>
              <option value="account">{ENTITY_WORDS.account}</option>
            </select>
            <select aria-label="Property" value={newMapping.property} onChange={(event) => {
              const property = event.currentTarget.value;
              setNewMapping((current) => ({ ...current, property }));
            }}>
              {view.properties[newMapping.entity].map((property) => (
                <option value={property.name} title={property.description}>
                  {property.label}
                </option>
              ))}
            </select>
            {zohoFields ? (
              <select aria-label="Zoho field" value={newMapping.zoho_field} onChange={(event) => {
                const zohoField = event.currentTarget.value;
                setNewMapping((current) => ({ ...current, zoho_field: zohoField }));
              }}>
                <option value="">Choose the Zoho field…</option>
                {zohoFields[newMapping.entity].map((field) => (
                  <option value={field.apiName}>
                    {field.label} ({field.type})
                  </option>
                ))}
              </select>
            ) : (
              <input aria-label="Zoho field API name" placeholder="Zoho field API name" value={newMapping.zoho_field} onInput={(event) => {
                const zohoField = event.currentTarget.value.trim();
                setNewMapping((current) => ({ ...current, zoho_field: zohoField }));
              }} />
            )}
            <button type="button" disabled={!newMapping.zoho_field} onClick={() => {
              change({ mappings: [...draft.mappings, newMapping] });
              setNewMapping({ ...newMapping, zoho_field: '' });
            }}>
              Add mapping
            </button>
          </div>
          {fieldsProblem && <p class="muted">{fieldsProblem}</p>}
        </fieldset>
        <div class="row">
          <button type="submit" class="primary" disabled={busy || !connected}>
            Save connector
          </button>
          <button type="button" disabled={busy || !connected} onClick={() => void runDry()}>
            Dry run
          </button>
          <button type="button" disabled={busy || !connected || !view.settings.enabled} onClick={() => void runNow()}>
            Run now
          </button>
        </div>
      </form>
      <form aria-label="New segment" class="row" onSubmit={(event) => {
        event.preventDefault();
        void createSegment();
      }}>
        <label>
          New segment
          <input required placeholder="Name" value={segmentForm.name} onInput={(event) => {
            const name = event.currentTarget.value;
            setSegmentForm((current) => ({ ...current, name }));
          }} />
        </label>
        <select aria-label="Segment of" value={segmentForm.entity} onChange={(event) => {
          const entity = event.currentTarget.value as Entity;
          const property = view.properties[entity][0]?.name ?? '';
          setSegmentForm((current) => ({ ...current, entity, property, op: opFor(entity, property, current.op) }));
        }}>
          <option value="contact">Leads</option>
          <option value="account">Companies</option>
        </select>
        <select aria-label="Segment property" value={segmentForm.property} onChange={(event) => {
          const property = event.currentTarget.value;
          setSegmentForm((current) => ({ ...current, property, op: opFor(current.entity, property, current.op) }));
        }}>
          {view.properties[segmentForm.entity].map((property) => (
            <option value={property.name}>{property.label}</option>
          ))}
        </select>
        <select aria-label="Segment condition" value={segmentForm.op} onChange={(event) => {
          const op = event.currentTarget.value;
          setSegmentForm((current) => ({ ...current, op }));
        }}>
          {operators.map((operator) => (
            <option value={operator.op}>{operator.label}</option>
          ))}
        </select>
        <input aria-label="Segment value" placeholder={segmentForm.op === 'in' ? 'Hot, Warm' : 'Value'} disabled={segmentForm.op === 'is_set' || segmentForm.op === 'is_not_set'} value={segmentForm.value} onInput={(event) => {
          const value = event.currentTarget.value;
          setSegmentForm((current) => ({ ...current, value }));
        }} />
        <button type="submit" disabled={busy || !connected}>
          Create segment
        </button>
      </form>
      {dryRun && (
        <div aria-label="Dry run">
          <h3>Dry run: {counts(dryRun.run)}</h3>
          <ul>
            {dryRun.records.slice(0, 25).map((record) => (
              <RecordLine record={record} />
            ))}
          </ul>
        </div>
      )}
      <h3>Sync logs</h3>
      {runs.length === 0 ? (
        <p class="muted">No runs yet.</p>
      ) : (
        <table class="details">
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Kind</th>
              <th scope="col">Result</th>
              <th scope="col">API calls</th>
              <th scope="col">Records</th>
            </tr>
          </thead>
          <tbody>
            {foldRuns(runs).map((line) =>
              line.kind === 'quiet' ? (
                <tr class="muted">
                  <td colSpan={5}>
                    No changes since {when(line.since)}, {line.checks} check{line.checks === 1 ? '' : 's'}
                  </td>
                </tr>
              ) : (
                <RunRow run={line.run} show={() => void showRecords(line.run.id, '', '')} />
              ),
            )}
          </tbody>
        </table>
      )}
      {shown && (
        <div aria-label="Run records">
          <div class="row">
            <select aria-label="Action filter" value={shown.action} onChange={(event) => void showRecords(shown.run, event.currentTarget.value, shown.entity)}>
              <option value="">every action</option>
              <option value="create">created</option>
              <option value="update">updated</option>
              <option value="skip">skipped</option>
              <option value="reject">rejected</option>
            </select>
            <select aria-label="Entity filter" value={shown.entity} onChange={(event) => void showRecords(shown.run, shown.action, event.currentTarget.value)}>
              <option value="">leads and accounts</option>
              <option value="contact">leads</option>
              <option value="account">accounts</option>
            </select>
          </div>
          <ul>
            {shown.records.map((record) => (
              <RecordLine record={record} />
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
