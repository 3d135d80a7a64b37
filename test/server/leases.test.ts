import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireLease, leaseHolder, releaseLease, runExclusive } from '../../server/src/db/leases.js';
import { type Db, type Store, openStore } from '../../server/src/db/store.js';
import { ManualClock } from '../../server/src/lib/clock.js';
import { sharedStoreOptions } from '../helpers/store.js';

/** Leases on a real database file (or PostgreSQL) shared by two connections, as two backend processes share it. */

let dir: string;
let stores: Store[];
let one: Db;
let two: Db;
const clock = new ManualClock(Date.UTC(2026, 10, 17, 9, 0));

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'leases-'));
  const options = await sharedStoreOptions(join(dir, 'app.sqlite'));
  stores = [await openStore(options), await openStore(options)];
  [one, two] = stores.map((store) => store.db) as [Db, Db];
});

afterEach(async () => {
  for (const store of stores) await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('leases', () => {
  it('one holder at a time; renewed by its holder; taken over once it lapses; released at once', async () => {
    expect(await acquireLease(one, 'imap-idle:a', 'process-1', clock.now(), 45_000)).toBe(true);
    expect(await acquireLease(two, 'imap-idle:a', 'process-2', clock.now(), 45_000)).toBe(false);
    clock.advance(30_000);
    expect(await acquireLease(one, 'imap-idle:a', 'process-1', clock.now(), 45_000)).toBe(true);
    clock.advance(44_000);
    expect(await acquireLease(two, 'imap-idle:a', 'process-2', clock.now(), 45_000)).toBe(false);
    clock.advance(1_001);
    expect(await acquireLease(two, 'imap-idle:a', 'process-2', clock.now(), 45_000)).toBe(true);
    expect(await leaseHolder(one, 'imap-idle:a', clock.now())).toBe('process-2');
    // The old holder's release cannot free the new holder's lease.
    await releaseLease(one, 'imap-idle:a', 'process-1');
    expect(await leaseHolder(one, 'imap-idle:a', clock.now())).toBe('process-2');
    await releaseLease(two, 'imap-idle:a', 'process-2');
    expect(await leaseHolder(one, 'imap-idle:a', clock.now())).toBeNull();
    expect(await acquireLease(one, 'imap-idle:b', 'process-1', clock.now(), 45_000)).toBe(true);
  });

  it('runExclusive runs the task under the lease and frees it after, also when the task fails; another holder is refused meanwhile', async () => {
    const now = () => clock.now();
    let inside: boolean | undefined;
    const result = await runExclusive(one, 'widget-key:org', now, async () => {
      inside = await acquireLease(two, 'widget-key:org', 'other', clock.now(), 60_000);
      await expect(runExclusive(two, 'widget-key:org', now, async () => 'never', { holder: 'other', waitMs: 0 })).rejects.toThrow('widget-key:org is busy in another process');
      return 'rotated';
    }, { holder: 'me' });
    expect({ result, inside }).toEqual({ result: 'rotated', inside: false });
    expect(await leaseHolder(one, 'widget-key:org', clock.now())).toBeNull();
    await expect(runExclusive(one, 'widget-key:org', now, async () => Promise.reject(new Error('Zoho said no')), { holder: 'me' })).rejects.toThrow('Zoho said no');
    expect(await leaseHolder(one, 'widget-key:org', clock.now())).toBeNull();
  });
});
