import { z } from 'zod';
import { type OutboxRow, addToOutbox, getOutbox, moveOutbox } from '../db/outbox.js';
import { transaction } from '../db/store.js';
import { ZohoAuthorizationError, ZohoRateLimitedError, ZohoRequestError } from '../zoho/errors.js';
import type { OrgConnection } from '../zoho/gateway.js';
import type { EngineDeps } from './context.js';
import { queueNoteOn } from './effects.js';

/**
 * Records the assistant creates in Zoho (a referred colleague) go through the outbox like notes and
 * updates: a `create` row, keyed, claimed `pending → sending` before the call, `done` with the new
 * record's id (external_id) after it. A create is not idempotent, so a row left in `sending` (a
 * crash, a timeout: Zoho may have the record) is first looked for in Zoho by a field that
 * identifies it (`match`, e.g. the email) and only created when it is not there. The notes that
 * follow the record are queued as ordinary note rows in the transaction that marks the row done.
 */

/** A module or field API name. */
const API_NAME = /^[A-Za-z][A-Za-z0-9_]{0,99}$/;
/** A value we put into a COQL query as it is: letters, digits and . _ % + - @ only, so nothing can be injected. */
const COQL_LITERAL = /^[A-Za-z0-9._%+@-]{1,254}$/;

const followingNote = z.object({
  /** The note's own key (queued as `note:<key>`). */
  key: z.string().min(1),
  title: z.string(),
  content: z.string(),
  /** The record the note goes on; the created record when absent. */
  on: z.object({ module: z.string().regex(API_NAME), recordId: z.string().min(1) }).optional(),
});

const createPayload = z.object({
  module: z.string().regex(API_NAME),
  /** Field API name → value, as createRecords takes them (lookups as `{id}`). */
  values: z.record(z.string(), z.unknown()),
  /** How the record is found in Zoho when we cannot know whether our create arrived. */
  match: z.object({
    field: z.string().regex(API_NAME),
    value: z.string().regex(COQL_LITERAL),
    /** When the field alone is not unique (a Task's related record): also a reference our record's text holds. */
    containing: z.object({ field: z.string().regex(API_NAME), text: z.string().min(1) }).optional(),
  }),
  notes: z.array(followingNote),
});

export type CreatePayload = z.infer<typeof createPayload>;

export type CreateOutcome = { status: 'done'; recordId: string } | { status: 'failed'; error: string };

/** The id of a record of `module` whose `field` is `value`, if Zoho has one (one COQL call). */
export async function findRecordBy(deps: EngineDeps, connection: OrgConnection, module: string, field: string, value: string): Promise<string | undefined> {
  if (!API_NAME.test(module) || !API_NAME.test(field) || !COQL_LITERAL.test(value)) throw new Error(`cannot look for ${module}.${field} = ${JSON.stringify(value)} safely`);
  const rows = await deps.gateway.coql(connection, `select id from ${module} where ${field} = '${value}' limit 1`);
  return rows[0] ? String(rows[0].id) : undefined;
}

/** The record our create made, when Zoho has it: by the match field, and by the reference its text holds when given. */
export async function findMatch(deps: EngineDeps, connection: OrgConnection, payload: CreatePayload): Promise<string | undefined> {
  const { field, value, containing } = payload.match;
  if (!containing) return findRecordBy(deps, connection, payload.module, field, value);
  if (!API_NAME.test(payload.module) || !API_NAME.test(field) || !COQL_LITERAL.test(value) || !API_NAME.test(containing.field)) throw new Error(`cannot look for ${payload.module}.${field} = ${JSON.stringify(value)} safely`);
  const rows = await deps.gateway.coql(connection, `select id, ${containing.field} from ${payload.module} where ${field} = '${value}' limit 2000`);
  const row = rows.find((candidate) => String(candidate[containing.field] ?? '').includes(containing.text));
  return row ? String(row.id) : undefined;
}

/**
 * Queues the creation of a record under the key `create:<key>` and answers its row (the one queued
 * before, when the key was). It is sent by the job that queued it (sendCreate), not by the flush:
 * that job goes on once the record exists. A create whose record could not be looked for is refused
 * here, since its outcome could never be settled.
 */
export async function queueCreate(deps: EngineDeps, owner: { orgId: string; leadId: string }, key: string, payload: CreatePayload, now: number): Promise<OutboxRow> {
  const checked = createPayload.parse(payload);
  return addToOutbox(deps.db, { orgId: owner.orgId, leadId: owner.leadId, kind: 'create', key: `create:${key}`, payload: checked }, now);
}

export function createPayloadOf(row: OutboxRow): CreatePayload | undefined {
  try {
    const parsed = createPayload.safeParse(JSON.parse(row.payload));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Where a row the caller holds has got to, read again (another run moved it). */
async function outcomeOf(deps: EngineDeps, held: OutboxRow): Promise<CreateOutcome> {
  const row = await getOutbox(deps.db, held.org_id, held.id);
  if (row?.status === 'done' && row.external_id) return { status: 'done', recordId: row.external_id };
  if (row?.status === 'failed' || row?.status === 'unconfirmed') return { status: 'failed', error: row.last_error ?? row.status };
  throw new Error(`create ${held.idempotency_key} is being sent by another run (${row?.status ?? 'gone'}); looking again later`);
}

/** The record exists (we created it, or found the one our lost call created): the row is done and its notes are queued, in one transaction. */
async function recordCreated(deps: EngineDeps, row: OutboxRow, payload: CreatePayload, recordId: string): Promise<CreateOutcome> {
  const now = deps.clock.now();
  const moved = await transaction(deps.db, async (tx) => {
    if (!(await moveOutbox(tx, row, 'sending', 'done', now, { externalId: recordId }))) return false;
    for (const note of payload.notes) {
      const target = { orgId: row.org_id, leadId: row.lead_id, module: note.on?.module ?? payload.module, recordId: note.on?.recordId ?? recordId };
      await queueNoteOn({ ...deps, db: tx }, target, note.key, note.title, note.content, now);
    }
    return true;
  });
  return moved ? { status: 'done', recordId } : outcomeOf(deps, row);
}

/**
 * Sends a queued create so that Zoho gets the record once: a done row answers its record, a row
 * left in `sending` is looked for in Zoho first (found: done; not found: sent again), a pending row
 * is claimed and sent. A 429 or a lost authorization wrote nothing (the row goes back to
 * `pending`); any other error leaves the outcome unknown (the row stays `sending`) and is thrown,
 * so the job's retry settles it. Zoho refusing the record marks the row `failed`.
 */
export async function sendCreate(deps: EngineDeps, connection: OrgConnection, held: OutboxRow): Promise<CreateOutcome> {
  const row = (await getOutbox(deps.db, held.org_id, held.id)) ?? held;
  if (row.status === 'done' || row.status === 'failed' || row.status === 'unconfirmed') return outcomeOf(deps, row);
  const payload = createPayloadOf(row);
  if (!payload) {
    await moveOutbox(deps.db, row, row.status, 'failed', deps.clock.now(), { error: 'unreadable create payload' });
    return outcomeOf(deps, row);
  }
  if (row.status === 'sending') {
    const found = await findMatch(deps, connection, payload);
    if (found) return recordCreated(deps, row, payload, found);
    if (!(await moveOutbox(deps.db, row, 'sending', 'pending', deps.clock.now()))) return outcomeOf(deps, row);
  }
  if (!(await moveOutbox(deps.db, row, 'pending', 'sending', deps.clock.now()))) return outcomeOf(deps, row);
  let results;
  try {
    results = await deps.gateway.createRecords(connection, payload.module, [payload.values]);
  } catch (error) {
    // Refused before anything was written (429, lost authorization, a request the SDK would not
    // send): nothing to look for. Otherwise Zoho may have the record, and the row stays `sending`.
    if (error instanceof ZohoRateLimitedError || error instanceof ZohoAuthorizationError) await moveOutbox(deps.db, row, 'sending', 'pending', deps.clock.now());
    else if (error instanceof ZohoRequestError) await moveOutbox(deps.db, row, 'sending', 'failed', deps.clock.now(), { error: error.message });
    throw error;
  }
  const [result] = results;
  if (!result?.ok) {
    const error = `${result?.code ?? 'UNKNOWN'}: ${result?.message ?? 'no result'}`;
    await moveOutbox(deps.db, row, 'sending', 'failed', deps.clock.now(), { error });
    return { status: 'failed', error };
  }
  // Created, but Zoho did not say as what: the row stays `sending`, and the next run finds the record.
  if (!result.id) throw new Error(`Zoho created ${payload.module} for ${row.idempotency_key} without answering its id`);
  return recordCreated(deps, row, payload, result.id);
}
