import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireLease, leaseHolder, releaseLease, runExclusive } from '../../server/src/db/leases.js';
import { appMigrations } from '../../server/src/db/migrations.js';
import { type Db, openDb } from '../../server/src/db/open-db.js';
import { ManualClock } from '../../server/src/lib/clock.js';

/** Leases on a real SQLite file shared by two connections, as two backend processes share it. */

let dir: string;
let one: Db;
let two: Db;
const clock = new ManualClock(Date.UTC(2026, 10, 17, 9, 0));

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'leases-'));
  one = openDb(join(dir, 'app.sqlite'), appMigrations);
  two = openDb(join(dir, 'app.sqlite'), appMigrations);
});

afterEach(() => {
  one.close();
  two.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('leases', () => {
  it('one holder at a time; renewed by its holder; taken over once it lapses; released at once', () => {
    expect(acquireLease(one, 'imap-idle:a', 'process-1', clock.now(), 45_000)).toBe(true);
    expect(acquireLease(two, 'imap-idle:a', 'process-2', clock.now(), 45_000)).toBe(false);
    clock.advance(30_000);
    expect(acquireLease(one, 'imap-idle:a', 'process-1', clock.now(), 45_000)).toBe(true);
    clock.advance(44_000);
    expect(acquireLease(two, 'imap-idle:a', 'process-2', clock.now(), 45_000)).toBe(false);
    clock.advance(1_001);
    expect(acquireLease(two, 'imap-idle:a', 'process-2', clock.now(), 45_000)).toBe(true);
    expect(leaseHolder(one, 'imap-idle:a', clock.now())).toBe('process-2');
    // The old holder's release cannot free the new holder's lease.
    releaseLease(one, 'imap-idle:a', 'process-1');
    expect(leaseHolder(one, 'imap-idle:a', clock.now())).toBe('process-2');
    releaseLease(two, 'imap-idle:a', 'process-2');
    expect(leaseHolder(one, 'imap-idle:a', clock.now())).toBeNull();
    expect(acquireLease(one, 'imap-idle:b', 'process-1', clock.now(), 45_000)).toBe(true);
  });

  it('runExclusive runs the task under the lease and frees it after, also when the task fails; another holder is refused meanwhile', async () => {
    const now = () => clock.now();
    let inside: boolean | undefined;
    const result = await runExclusive(one, 'widget-key:org', now, async () => {
      inside = acquireLease(two, 'widget-key:org', 'other', clock.now(), 60_000);
      await expect(runExclusive(two, 'widget-key:org', now, async () => 'never', { holder: 'other', waitMs: 0 })).rejects.toThrow('widget-key:org is busy in another process');
      return 'rotated';
    }, { holder: 'me' });
    expect({ result, inside }).toEqual({ result: 'rotated', inside: false });
    expect(leaseHolder(one, 'widget-key:org', clock.now())).toBeNull();
    await expect(runExclusive(one, 'widget-key:org', now, async () => Promise.reject(new Error('Zoho said no')), { holder: 'me' })).rejects.toThrow('Zoho said no');
    expect(leaseHolder(one, 'widget-key:org', clock.now())).toBeNull();
  });
});
