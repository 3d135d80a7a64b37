import type { Db } from '../db/open-db.js';
import type { Clock } from '../lib/clock.js';
import { zohoErrors } from './errors.js';
import type { OrgRow } from './store/orgs.js';

const WINDOW_MS = 24 * 60 * 60 * 1000;

export interface OrgUsage {
  credits_per_day: number;
  credits_used: number;
  concurrency_limit: number;
  in_flight: number;
}

/**
 * Zoho's two API limits per org: credits over a rolling 24 hours and concurrent calls in flight.
 * Either one exceeded answers 429 TOO_MANY_REQUESTS.
 */
export class UsageLimiter {
  private readonly inFlight = new Map<string, number>();
  /** Calls admitted but not yet charged; each holds at least one credit of the budget. */
  private readonly pending = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /**
   * Admits one call or throws 429; the caller must call the returned release exactly once, after
   * charging what the call cost, so parallel calls cannot all pass on the same remaining credit.
   */
  admit(org: OrgRow): () => void {
    const current = this.inFlight.get(org.id) ?? 0;
    if (current >= org.concurrency_limit) throw zohoErrors.tooManyRequests();
    const pending = this.pending.get(org.id) ?? 0;
    if (this.creditsUsed(org.id) + pending >= org.credits_per_day) throw zohoErrors.tooManyRequests();
    this.inFlight.set(org.id, current + 1);
    this.pending.set(org.id, pending + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight.set(org.id, (this.inFlight.get(org.id) ?? 1) - 1);
      this.pending.set(org.id, (this.pending.get(org.id) ?? 1) - 1);
    };
  }

  /** Records a call's cost; the method and path let benchmarks count calls by endpoint. */
  charge(orgId: string, credits: number, call: { method: string; path: string } = { method: '', path: '' }): void {
    if (credits <= 0) return;
    this.db.prepare('INSERT INTO credit_ledger (org_id, at, credits, method, path) VALUES (?, ?, ?, ?, ?)').run(orgId, this.clock.now(), credits, call.method, call.path);
  }

  creditsUsed(orgId: string): number {
    const row = this.db
      .prepare('SELECT COALESCE(SUM(credits), 0) AS used FROM credit_ledger WHERE org_id = ? AND at > ?')
      .get(orgId, this.clock.now() - WINDOW_MS) as { used: number };
    return row.used;
  }

  usage(org: OrgRow): OrgUsage {
    return {
      credits_per_day: org.credits_per_day,
      credits_used: this.creditsUsed(org.id),
      concurrency_limit: org.concurrency_limit,
      in_flight: this.inFlight.get(org.id) ?? 0,
    };
  }
}

/** Zoho's credit cost: writes 1 per 10 records, COQL by LIMIT, everything else 1. */
export function writeCredits(records: number): number {
  return Math.max(1, Math.ceil(records / 10));
}

export function coqlCredits(limit: number): number {
  if (limit <= 200) return 1;
  if (limit <= 1000) return 2;
  return 3;
}
