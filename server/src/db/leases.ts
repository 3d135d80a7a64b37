import type { Db } from './open-db.js';

/**
 * Leases: work exactly one process does at a time, across every process on the database. A
 * holder takes a free or lapsed lease, renews it while it works, and releases it when done; a
 * holder that dies loses it when it lapses, and another takes over.
 */

/** Takes or renews `name` for `holder` until now + ttlMs; answers whether `holder` has it. */
export function acquireLease(db: Db, name: string, holder: string, now: number, ttlMs: number): boolean {
  return (
    db
      .prepare(
        `INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
         WHERE leases.holder = excluded.holder OR leases.expires_at <= ?`,
      )
      .run(name, holder, now + ttlMs, now).changes === 1
  );
}

export function releaseLease(db: Db, name: string, holder: string): void {
  db.prepare('DELETE FROM leases WHERE name = ? AND holder = ?').run(name, holder);
}

export function leaseHolder(db: Db, name: string, now: number): string | null {
  const row = db.prepare('SELECT holder FROM leases WHERE name = ? AND expires_at > ?').get(name, now) as { holder: string } | undefined;
  return row?.holder ?? null;
}

/** This process, as a lease holder. */
export const PROCESS_HOLDER = `${process.pid}:${Math.random().toString(36).slice(2, 10)}`;

/**
 * Runs `task` while holding `name` (across processes), waiting up to `waitMs` for another holder
 * to finish; the lease lasts `ttlMs`, so a holder that dies mid-task frees it by then.
 */
export async function runExclusive<T>(db: Db, name: string, now: () => number, task: () => Promise<T>, options: { ttlMs?: number; waitMs?: number; holder?: string } = {}): Promise<T> {
  const holder = options.holder ?? PROCESS_HOLDER;
  const ttlMs = options.ttlMs ?? 60_000;
  const deadline = Date.now() + (options.waitMs ?? 30_000);
  let pause = 50;
  while (!acquireLease(db, name, holder, now(), ttlMs)) {
    if (Date.now() >= deadline) throw new Error(`${name} is busy in another process`);
    await new Promise((resolve) => setTimeout(resolve, pause));
    pause = Math.min(pause * 2, 1_000);
  }
  try {
    return await task();
  } finally {
    releaseLease(db, name, holder);
  }
}
