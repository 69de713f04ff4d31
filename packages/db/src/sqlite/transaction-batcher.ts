import type { Database } from 'better-sqlite3';

type Pending = {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
};

/**
 * Groups the writes that arrive within one tick into one transaction. A commit (and FTS5's
 * segment flush) costs more than the statements of a send, so one commit for many sends multiplies
 * throughput. Each unit of work runs in its own savepoint: one failing rolls back only itself.
 * Some failures end the whole transaction, though (SQLite rolls it all back on SQLITE_FULL, and a
 * commit can fail): then nothing of the batch was stored, and each unit runs again on its own, so
 * that one unit's failure never becomes the others'.
 */
export class TransactionBatcher {
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly runBatch;
  private readonly unit;

  constructor(client: Database) {
    const unit = client.transaction((work: () => unknown) => work());
    this.unit = unit;
    this.runBatch = client.transaction((batch: Pending[]) => {
      const outcomes: Array<() => void> = [];
      for (const pending of batch) {
        try {
          const value = unit(pending.work);
          outcomes.push(() => pending.resolve(value));
        } catch (error) {
          // The failure rolled back the whole transaction: the batch's earlier units are gone too.
          if (!client.inTransaction) throw error;
          outcomes.push(() => pending.reject(error));
        }
      }
      return outcomes;
    });
  }

  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    let outcomes: Array<() => void>;
    try {
      outcomes = this.runBatch(batch);
    } catch {
      // Nothing of the batch was committed: each unit in its own transaction.
      outcomes = batch.map((pending) => {
        try {
          const value = this.unit(pending.work);
          return () => pending.resolve(value);
        } catch (error) {
          return () => pending.reject(error);
        }
      });
    }
    // Settle only after the commit: what the caller is told is stored, is stored.
    for (const settle of outcomes) settle();
  }
}
