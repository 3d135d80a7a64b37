import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
    expect(versions.map((entry) => entry.version)).toEqual([1, 2, 3, 4, 5, 6, 7]);
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
});
