import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import type { SandboxDeps } from '../context.js';
import type { Actor, ItemResult } from './record-writes.js';
import { writeDetails } from './record-writes.js';

const MESSAGES = { insert: 'record added', update: 'record updated', delete: 'record deleted' } as const;

/** One `data` entry per input, in input order: success or Zoho's per-record error. */
export function writeEntries(deps: SandboxDeps, actor: Actor, results: readonly ItemResult[], opts: { upsert?: boolean } = {}) {
  return results.map((result) => {
    if (!result.ok) return { code: result.error.code, details: result.error.details, message: result.error.message, status: 'error' };
    const details = result.action === 'delete' ? { id: result.record.id } : writeDetails(deps, actor, result.record);
    const entry: Record<string, unknown> = { code: 'SUCCESS', details, message: MESSAGES[result.action], status: 'success' };
    if (opts.upsert) {
      entry.duplicate_field = result.duplicateField ?? null;
      entry.action = result.action;
    }
    return entry;
  });
}

/** Zoho's status for a bulk write: all succeeded → `okStatus`, some → 207, none → 400. */
export function bulkStatus(results: readonly { ok: boolean }[], okStatus: ContentfulStatusCode): ContentfulStatusCode {
  const succeeded = results.filter((result) => result.ok).length;
  if (succeeded === results.length) return okStatus;
  return succeeded === 0 ? 400 : 207;
}

/** One entry of a non-record bulk write (`users`, `fields`, `variables`, `watch`, notes). */
export interface Entry {
  code: string;
  details: Record<string, unknown>;
  message: string;
  status: 'success' | 'error';
}

export function itemError(listKey: string, index: number, code: string, apiName: string, message: string): Entry {
  return { code, details: { api_name: apiName, json_path: `$.${listKey}[${index}].${apiName}` }, message, status: 'error' };
}

/** A schema failure as Zoho reports it: a missing key is MANDATORY_NOT_FOUND, anything else INVALID_DATA. */
export function schemaError(error: z.ZodError, listKey: string, index: number): Entry {
  const issue = error.issues[0];
  const apiName = String(issue?.path[0] ?? listKey);
  const missing = issue?.code === 'invalid_type' && issue.input === undefined;
  return missing
    ? itemError(listKey, index, 'MANDATORY_NOT_FOUND', apiName, 'required field not found')
    : itemError(listKey, index, 'INVALID_DATA', apiName, 'invalid data');
}

export function entriesStatus(entries: readonly Entry[], okStatus: ContentfulStatusCode): ContentfulStatusCode {
  return bulkStatus(entries.map((entry) => ({ ok: entry.status === 'success' })), okStatus);
}
