import type { ContentfulStatusCode } from 'hono/utils/http-status';
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
