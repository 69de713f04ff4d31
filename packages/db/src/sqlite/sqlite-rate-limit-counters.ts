import type { Database, Statement } from 'better-sqlite3';
import type { RateLimitCounter, RateLimitCounters } from '../counter-rate-limiter.js';
import type { TransactionBatcher } from './transaction-batcher.js';

export type SqliteRateLimitCountersOptions = {
  /** How often changed counts are written to the table (ms). @default 1000 */
  persistEveryMs?: number;
  /** A write of the counts failed (they stay in memory and are written again next time). */
  onPersistError?: (error: unknown) => void;
};

/**
 * The `rate_limits` counts on SQLite. One process owns an SQLite database, so this process's memory
 * is the authority: a count is read from the table the first time its key is used, then counted in
 * memory, and changed counts are written back every `persistEveryMs` in one batched write. A
 * request therefore never waits for a commit (it used to: one upsert per request, in the send's
 * critical path), and a restart loses at most the last interval's counts.
 */
export class SqliteRateLimitCounters implements RateLimitCounters {
  private readonly live = new Map<string, RateLimitCounter>();
  private readonly changed = new Set<string>();
  private readonly write: Statement<[string, number, number | null]>;
  private readonly select: Statement<[string, number], RateLimitCounter>;
  private readonly remove: Statement<[string]>;
  private readonly timer: NodeJS.Timeout;
  /** Reported once per run of failures, not every interval. */
  private failing = false;

  constructor(
    client: Database,
    table: string,
    private readonly batcher: TransactionBatcher,
    private readonly options: SqliteRateLimitCountersOptions = {},
  ) {
    this.write = client.prepare(
      `INSERT OR REPLACE INTO ${table} (key, points, expire) VALUES (?, ?, ?)`,
    );
    this.select = client.prepare(
      `SELECT points, expire FROM ${table} WHERE key = ? AND (expire > ? OR expire IS NULL)`,
    );
    this.remove = client.prepare(`DELETE FROM ${table} WHERE key = ?`);
    this.timer = setInterval(() => void this.persist(), options.persistEveryMs ?? 1000);
    this.timer.unref();
  }

  upsert(
    key: string,
    points: number,
    expire: number | null,
    now: number,
    forceExpire: boolean,
  ): Promise<RateLimitCounter> {
    const current = forceExpire ? null : this.current(key, now);
    const next = current
      ? { points: current.points + points, expire: current.expire }
      : { points, expire };
    this.live.set(key, next);
    this.changed.add(key);
    return Promise.resolve({ ...next });
  }

  async get(key: string, now: number): Promise<RateLimitCounter | null> {
    const current = this.current(key, now);
    return Promise.resolve(current ? { ...current } : null);
  }

  async delete(key: string): Promise<boolean> {
    const known = this.current(key, Date.now()) !== null;
    this.live.delete(key);
    this.changed.delete(key);
    this.remove.run(key);
    return Promise.resolve(known);
  }

  /** Writes the changed counts now (the store calls it before it closes). */
  persist(): Promise<void> {
    const now = Date.now();
    const rows: Array<[string, number, number | null]> = [];
    for (const key of this.changed) {
      const counter = this.live.get(key);
      if (counter) rows.push([key, counter.points, counter.expire]);
    }
    this.changed.clear();
    // Expired counts are not needed again: the next use of their key starts a new window.
    for (const [key, counter] of this.live) {
      if (counter.expire !== null && counter.expire <= now) this.live.delete(key);
    }
    if (rows.length === 0) return Promise.resolve();
    return this.batcher
      .run(() => {
        for (const row of rows) this.write.run(...row);
      })
      .then(
        () => {
          this.failing = false;
        },
        (error: unknown) => {
          for (const [key] of rows) if (this.live.has(key)) this.changed.add(key);
          if (!this.failing) this.options.onPersistError?.(error);
          this.failing = true;
        },
      );
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The key's count unless it has expired at `now`: from memory, else from the table. */
  private current(key: string, now: number): RateLimitCounter | null {
    let counter = this.live.get(key);
    if (counter === undefined) {
      const stored = this.select.get(key, now);
      if (!stored) return null;
      counter = { points: stored.points, expire: stored.expire };
      this.live.set(key, counter);
    }
    return counter.expire === null || counter.expire > now ? counter : null;
  }
}
