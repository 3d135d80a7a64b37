import { useEffect, useState } from 'preact/hooks';
import { messageOf, useSettings } from './store.js';

type Entity = 'contact' | 'account';

interface Mapping {
  entity: Entity;
  property: string;
  zoho_field: string;
}

interface Settings {
  enabled: boolean;
  name: string;
  create_contacts: boolean;
  create_accounts: boolean;
  account_id_field: string | null;
  segment_ids: string[];
  mappings: Mapping[];
  schedule_minutes: number;
  log_retention_days: number;
}

interface Property {
  name: string;
  type: string;
  description: string;
}

interface Segment {
  id: string;
  name: string;
  entity: Entity;
}

interface Run {
  id: number;
  trigger: string;
  dry_run: boolean;
  status: string;
  started_at: string;
  created: number;
  updated: number;
  skipped: number;
  rejected: number;
  api_calls: number;
  error: string | null;
}

interface RunRecord {
  entity: Entity;
  our_id: string;
  zoho_id: string | null;
  action: string;
  reason: string;
}

interface ConnectorView {
  settings: Settings;
  default_mappings: Mapping[];
  properties: Record<Entity, Property[]>;
}

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const counts = (run: Run) => `${run.created} created, ${run.updated} updated, ${run.skipped} skipped, ${run.rejected} rejected`;

/**
 * The Zoho connector: what syncs into Zoho (enable, create or update only, the account-ID field,
 * segments, extra mappings), a dry run, Run now, and the run logs with per-record filters.
 */
export function ConnectorPanel() {
  const { backend, busy, connected, asAdmin } = useSettings();
  const [loadError, setLoadError] = useState<string | null>(null);
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
      <p class="muted">Keeps Zoho current with what the assistant learns: states, scores, replies. Zoho only enriches our leads; it never creates them.</p>
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
                {mapping.entity} {mapping.property} → {mapping.zoho_field} (default)
              </li>
            ))}
            {draft.mappings.map((mapping, index) => (
              <li>
                {mapping.entity} {mapping.property} → {mapping.zoho_field}{' '}
                <button type="button" aria-label={`Remove mapping ${mapping.property}`} onClick={() => change({ mappings: draft.mappings.filter((_, other) => other !== index) })}>
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
              <option value="contact">Lead → Contact</option>
              <option value="account">Account → Account</option>
            </select>
            <select aria-label="Property" value={newMapping.property} onChange={(event) => {
              const property = event.currentTarget.value;
              setNewMapping((current) => ({ ...current, property }));
            }}>
              {view.properties[newMapping.entity].map((property) => (
                <option value={property.name} title={property.description}>
                  {property.name} ({property.type})
                </option>
              ))}
            </select>
            <input aria-label="Zoho field API name" placeholder="Zoho field API name" value={newMapping.zoho_field} onInput={(event) => {
              const zohoField = event.currentTarget.value.trim();
              setNewMapping((current) => ({ ...current, zoho_field: zohoField }));
            }} />
            <button type="button" disabled={!newMapping.zoho_field} onClick={() => {
              change({ mappings: [...draft.mappings, newMapping] });
              setNewMapping({ ...newMapping, zoho_field: '' });
            }}>
              Add mapping
            </button>
          </div>
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
          setSegmentForm((current) => ({ ...current, entity, property: view.properties[entity][0]?.name ?? '' }));
        }}>
          <option value="contact">leads</option>
          <option value="account">accounts</option>
        </select>
        <select aria-label="Segment property" value={segmentForm.property} onChange={(event) => {
          const property = event.currentTarget.value;
          setSegmentForm((current) => ({ ...current, property }));
        }}>
          {view.properties[segmentForm.entity].map((property) => (
            <option value={property.name}>{property.name}</option>
          ))}
        </select>
        <select aria-label="Segment condition" value={segmentForm.op} onChange={(event) => {
          const op = event.currentTarget.value;
          setSegmentForm((current) => ({ ...current, op }));
        }}>
          {['eq', 'neq', 'in', 'contains', 'gt', 'gte', 'lt', 'lte', 'before', 'after', 'is_set', 'is_not_set'].map((op) => (
            <option value={op}>{op.replace(/_/g, ' ')}</option>
          ))}
        </select>
        <input aria-label="Segment value" placeholder="value (a, b, c for in)" value={segmentForm.value} onInput={(event) => {
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
              <li>
                {record.action} {record.entity} {record.our_id}: {record.reason}
              </li>
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
            {runs.map((run) => (
              <tr>
                <td>{when(run.started_at)}</td>
                <td>{run.dry_run ? 'dry run' : run.trigger}</td>
                <td>
                  {run.status === 'done' ? counts(run) : run.status}
                  {run.error ? <div class="muted">{run.error}</div> : null}
                </td>
                <td>{run.api_calls}</td>
                <td>
                  <button type="button" onClick={() => void showRecords(run.id, '', '')}>
                    Show
                  </button>
                </td>
              </tr>
            ))}
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
              <li>
                {record.action} {record.entity} {record.our_id}
                {record.zoho_id ? ` → Zoho ${record.zoho_id}` : ''}: {record.reason}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
