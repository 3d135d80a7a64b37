import { getOrg } from '../db/orgs.js';
import { type OutboxRow, moveOutbox, pendingOutbox } from '../db/outbox.js';
import { sha256 } from '../lib/token-cipher.js';
import { ZohoAuthorizationError, ZohoRateLimitedError } from '../zoho/errors.js';
import { connectionOf } from '../db/orgs.js';
import { WRITE_BATCH, type EngineDeps } from './context.js';
import { FLUSH_DELAY_MS } from './effects.js';
import { flushTasks, hasPendingTasks } from './tasks.js';

interface NotePayload {
  module: string;
  recordId: string;
  title: string;
  content: string;
}

interface UpdatePayload {
  module: string;
  recordId: string;
  values: Record<string, unknown>;
}

/** A short reference printed under each note, so a note whose write timed out can be found, not written twice. */
export function noteReference(row: Pick<OutboxRow, 'idempotency_key'>): string {
  return `ref ${sha256(row.idempotency_key).slice(0, 12)}`;
}

function withReference(row: OutboxRow, payload: NotePayload): string {
  return `${payload.content}\n\n— Sales Assistant · ${noteReference(row)}`;
}

/**
 * Notes left in `sending` (a crash, or a call whose outcome is unknown) may already be in Zoho:
 * look for their reference on the record before sending them again.
 */
async function settleUncertainNotes(deps: EngineDeps, orgId: string, rows: OutboxRow[]): Promise<void> {
  const org = (await getOrg(deps.db, orgId))!;
  const byRecord = new Map<string, OutboxRow[]>();
  for (const row of rows) {
    const payload = JSON.parse(row.payload) as NotePayload;
    const key = `${payload.module}:${payload.recordId}`;
    byRecord.set(key, [...(byRecord.get(key) ?? []), row]);
  }
  for (const [key, recordRows] of byRecord) {
    const [module, recordId] = key.split(':') as [string, string];
    const notes = await deps.gateway.listNotes(connectionOf(org), module, recordId);
    const now = deps.clock.now();
    for (const row of recordRows) {
      const found = notes.find((note) => note.content.includes(noteReference(row)));
      if (found) await moveOutbox(deps.db, row, 'sending', 'done', now, { externalId: found.id });
      else await moveOutbox(deps.db, row, 'sending', 'pending', now);
    }
  }
}

async function flushNotes(deps: EngineDeps, orgId: string): Promise<void> {
  const waiting = await pendingOutbox(deps.db, orgId, 'note', WRITE_BATCH);
  const uncertain = waiting.filter((row) => row.status === 'sending');
  if (uncertain.length > 0) await settleUncertainNotes(deps, orgId, uncertain);
  const rows = (await pendingOutbox(deps.db, orgId, 'note', WRITE_BATCH)).filter((row) => row.status === 'pending');
  if (rows.length === 0) return;
  const now = deps.clock.now();
  const claimed: OutboxRow[] = [];
  for (const row of rows) if (await moveOutbox(deps.db, row, 'pending', 'sending', now)) claimed.push(row);
  const org = (await getOrg(deps.db, orgId))!;
  let results;
  try {
    results = await deps.gateway.createNotes(
      connectionOf(org),
      claimed.map((row) => {
        const payload = JSON.parse(row.payload) as NotePayload;
        return { module: payload.module, recordId: payload.recordId, title: payload.title, content: withReference(row, payload) };
      }),
    );
  } catch (error) {
    // Refused outright (429, lost authorization): nothing was written. Otherwise the outcome is
    // unknown and the rows stay in `sending`, to be checked against Zoho next time.
    if (error instanceof ZohoRateLimitedError || error instanceof ZohoAuthorizationError) {
      for (const row of claimed) await moveOutbox(deps.db, row, 'sending', 'pending', deps.clock.now());
    }
    throw error;
  }
  const done = deps.clock.now();
  for (const [index, row] of claimed.entries()) {
    const result = results[index];
    if (result?.ok) await moveOutbox(deps.db, row, 'sending', 'done', done, { externalId: result.id });
    else await moveOutbox(deps.db, row, 'sending', 'failed', done, { error: `${result?.code ?? 'UNKNOWN'}: ${result?.message ?? 'no result'}` });
  }
}

async function flushUpdates(deps: EngineDeps, orgId: string): Promise<void> {
  const rows = await pendingOutbox(deps.db, orgId, 'update', WRITE_BATCH);
  if (rows.length === 0) return;
  const org = (await getOrg(deps.db, orgId))!;
  const byModule = new Map<string, OutboxRow[]>();
  for (const row of rows) {
    const module = (JSON.parse(row.payload) as UpdatePayload).module;
    byModule.set(module, [...(byModule.get(module) ?? []), row]);
  }
  for (const [module, moduleRows] of byModule) {
    const now = deps.clock.now();
    // Updates are idempotent (setting a field twice is harmless), so an unknown outcome is simply retried.
    for (const row of moduleRows) if (row.status === 'pending') await moveOutbox(deps.db, row, 'pending', 'sending', now);
    // One update per record: later changes to the same field win, in the order they were queued.
    const byRecord = new Map<string, { values: Record<string, unknown>; rows: OutboxRow[] }>();
    for (const row of moduleRows) {
      const payload = JSON.parse(row.payload) as UpdatePayload;
      const entry = byRecord.get(payload.recordId) ?? { values: {}, rows: [] };
      Object.assign(entry.values, payload.values);
      entry.rows.push(row);
      byRecord.set(payload.recordId, entry);
    }
    const records = [...byRecord.entries()];
    let results;
    try {
      results = await deps.gateway.updateRecords(connectionOf(org), module, records.map(([id, entry]) => ({ id, values: entry.values })));
    } catch (error) {
      for (const row of moduleRows) await moveOutbox(deps.db, row, 'sending', 'pending', deps.clock.now());
      throw error;
    }
    const done = deps.clock.now();
    for (const [index, [, entry]] of records.entries()) {
      const result = results[index];
      for (const row of entry.rows) {
        if (result?.ok) await moveOutbox(deps.db, row, 'sending', 'done', done);
        else await moveOutbox(deps.db, row, 'sending', 'failed', done, { error: `${result?.code ?? 'UNKNOWN'}: ${result?.message ?? 'no result'}` });
      }
    }
  }
}

/** Sends an org's queued notes, record updates and handback tasks, up to 100 per Zoho call; answers when to go on, when more is queued. */
export async function flushOrg(deps: EngineDeps, orgId: string): Promise<{ runAgainAt: number } | undefined> {
  const org = await getOrg(deps.db, orgId);
  if (!org || org.status === 'disconnected') return undefined;
  if (org.status !== 'active') throw new ZohoAuthorizationError(`org ${orgId} needs re-authorization`);
  await flushNotes(deps, orgId);
  await flushUpdates(deps, orgId);
  await flushTasks(deps, orgId);
  // Rows queued while this flush ran (its job was busy, so they could not schedule it) go next.
  if ((await pendingOutbox(deps.db, orgId, 'note', 1)).some((row) => row.status === 'pending') || (await pendingOutbox(deps.db, orgId, 'update', 1)).length > 0 || (await hasPendingTasks(deps, orgId))) {
    return { runAgainAt: deps.clock.now() + FLUSH_DELAY_MS };
  }
  return undefined;
}

