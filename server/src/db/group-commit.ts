import { type Db, dialectOf, transaction } from './store.js';

interface Pending<T> {
  work: (tx: Db) => Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: writes that arrive together (concurrent webhook deliveries) share one
 * transaction, so one commit (one fsync) makes them all durable. Each caller's promise settles
 * only after its write is committed, so a 2xx still means the write is stored. A write runs with
 * the transaction it is given (`tx`) and must use it for every statement. When any write of a
 * batch fails (or the commit does), the shared transaction rolls back whole, and every write of
 * the batch runs again alone, in its own transaction: the one that fails fails alone, the others
 * are stored. (No savepoints: each write is simply repeated, so a write must have no effect
 * outside the database before it is committed.)
 *
 * On PostgreSQL each write is its own transaction on its own pooled connection, at the same time
 * as the others: the server already groups concurrent commits into one WAL flush, and one shared
 * transaction would run the writes one after another on one connection.
 */
export class GroupCommit {
  private queue: Pending<unknown>[] = [];
  private scheduled = false;

  constructor(private readonly db: Db) {}

  run<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    if (dialectOf(this.db) === 'postgres') return transaction(this.db, work);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // After the I/O callbacks already waiting: the requests read meanwhile join this commit.
        setImmediate(() => void this.flush());
      }
    });
  }

  /** Commits the waiting writes together; never rejects (each caller hears of its own outcome). */
  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    let values: unknown[];
    try {
      values = await transaction(this.db, async (tx) => {
        const done: unknown[] = [];
        for (const item of batch) done.push(await item.work(tx));
        return done;
      });
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      // Nothing of the batch is stored: each write goes again on its own.
      for (const item of batch) await this.runAlone(item);
      return;
    }
    batch.forEach((item, index) => item.resolve(values[index]));
  }

  private async runAlone(item: Pending<unknown>): Promise<void> {
    try {
      item.resolve(await transaction(this.db, item.work));
    } catch (error) {
      item.reject(error);
    }
  }
}
