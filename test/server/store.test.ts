import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setInbound, storeInbound } from '../../server/src/db/inbound.js';
import { dialectOf, type Store, transaction } from '../../server/src/db/store.js';
import { row, rows, testDialect, testStore } from '../helpers/store.js';

describe(`store (${testDialect()})`, () => {
  let store: Store;
  beforeEach(async () => {
    store = await testStore();
  });
  afterEach(async () => {
    await store.close();
  });

  it('is migrated to the latest schema and speaks its dialect', async () => {
    expect(store.dialect).toBe(testDialect());
    expect(dialectOf(store.db)).toBe(testDialect());
    const versions = await rows<{ version: number }>(store.db, 'SELECT version FROM schema_migrations ORDER BY version');
    expect(versions.map((entry) => entry.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  });

  it('keeps millisecond times and identity keys as numbers', async () => {
    const at = 1_780_000_000_123;
    const inserted = await store.db.insertInto('leases').values({ name: 'x', holder: 'h', expires_at: at }).executeTakeFirst();
    expect(Number(inserted.numInsertedOrUpdatedRows)).toBe(1);
    expect(await row(store.db, 'SELECT expires_at FROM leases WHERE name = ?', 'x')).toEqual({ expires_at: at });
  });

  it('rolls a failed transaction back whole and joins an outer one', async () => {
    await expect(
      transaction(store.db, async (tx) => {
        await tx.insertInto('leases').values({ name: 'a', holder: 'h', expires_at: 1 }).execute();
        await transaction(tx, async (inner) => {
          expect(inner).toBe(tx);
          await inner.insertInto('leases').values({ name: 'b', holder: 'h', expires_at: 1 }).execute();
        });
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(await rows(store.db, 'SELECT name FROM leases')).toEqual([]);
  });

  it('stores mail text carrying NUL characters (PostgreSQL text refuses them) without them', async () => {
    const message = { org_id: null, assistant_id: null, source: 'webhook', dedupe_key: '-:<nul@x>', message_id: '<nul\u0000@x>', from_address: 'a\u0000@x.test', subject: 'Re: hi\u0000 there', raw: Buffer.from('raw'), received_at: 1, status: 'unmatched' as const, auth: 'fail', auth_detail: 'dkim\u0000=none' };
    const stored = await storeInbound(store.db, message);
    expect(stored.duplicate).toBe(false);
    await setInbound({ db: store.db }, stored.id, { reason: 'quoted \u0000 text', status: 'processed' });
    expect(await row(store.db, 'SELECT message_id, from_address, subject, auth_detail, reason FROM inbound_messages WHERE id = ?', stored.id)).toEqual({
      message_id: '<nul@x>',
      from_address: 'a@x.test',
      subject: 'Re: hi there',
      auth_detail: 'dkim=none',
      reason: 'quoted  text',
    });
  });
});
