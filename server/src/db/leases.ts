import type { Db } from './store.js';

/**
 * Leases: work exactly one process does at a time, across every process on the database. A
 * holder takes a free or lapsed lease, renews it while it works, and releases it when done; a
 * holder that dies loses it when it lapses, and another takes over.
 */

/** Takes or renews `name` for `holder` until now + ttlMs; answers whether `holder` has it. */
export async function acquireLease(db: Db, name: string, holder: string, now: number, ttlMs: number): Promise<boolean> {
  // One statement keyed by the name: two processes asking at once cannot both get it.
  const result = await db
    .insertInto('leases')
    .values({ name, holder, expires_at: now + ttlMs })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet((eb) => ({ holder: eb.ref('excluded.holder'), expires_at: eb.ref('excluded.expires_at') }))
        .where((eb) => eb.or([eb('leases.holder', '=', eb.ref('excluded.holder')), eb('leases.expires_at', '<=', now)])),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows) === 1;
}

/** Gives `name` up, if `holder` still has it (a lease another holder took over stays theirs). */
export async function releaseLease(db: Db, name: string, holder: string): Promise<void> {
  await db.deleteFrom('leases').where('name', '=', name).where('holder', '=', holder).execute();
}

/** Who holds `name` now, or null when nobody does (or the lease lapsed). */
export async function leaseHolder(db: Db, name: string, now: number): Promise<string | null> {
  const row = await db.selectFrom('leases').select('holder').where('name', '=', name).where('expires_at', '>', now).executeTakeFirst();
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
  while (!(await acquireLease(db, name, holder, now(), ttlMs))) {
    if (Date.now() >= deadline) throw new Error(`${name} is busy in another process`);
    await new Promise((resolve) => setTimeout(resolve, pause));
    pause = Math.min(pause * 2, 1_000);
  }
  try {
    return await task();
  } finally {
    await releaseLease(db, name, holder);
  }
}
