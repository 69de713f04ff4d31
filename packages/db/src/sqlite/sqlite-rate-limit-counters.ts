import type { Database, Statement } from 'better-sqlite3';
import type { RateLimitCounter, RateLimitCounters } from '../counter-rate-limiter.js';
import type { TransactionBatcher } from './transaction-batcher.js';

/**
 * The `rate_limits` statements on SQLite. rate-limiter-flexible's own SQLite and Drizzle stores
 * prepare a statement and commit a transaction per call, which under load cost a fifth of the
 * server's CPU; here statements are prepared once and writes join the per-tick transaction of the
 * TransactionBatcher.
 */
export class SqliteRateLimitCounters implements RateLimitCounters {
  private readonly add: Statement<
    [string, number, number | null, number, number],
    RateLimitCounter
  >;
  private readonly replace: Statement<[string, number, number | null], RateLimitCounter>;
  private readonly select: Statement<[string, number], RateLimitCounter>;
  private readonly remove: Statement<[string]>;

  constructor(
    client: Database,
    table: string,
    private readonly batcher: TransactionBatcher,
  ) {
    this.add = client.prepare(`
      INSERT INTO ${table} (key, points, expire) VALUES (?, ?, ?)
      ON CONFLICT(key) DO UPDATE SET
        points = CASE WHEN expire IS NULL OR expire > ? THEN points + excluded.points ELSE excluded.points END,
        expire = CASE WHEN expire IS NULL OR expire > ? THEN expire ELSE excluded.expire END
      RETURNING points, expire`);
    this.replace = client.prepare(
      `INSERT OR REPLACE INTO ${table} (key, points, expire) VALUES (?, ?, ?) RETURNING points, expire`,
    );
    this.select = client.prepare(
      `SELECT points, expire FROM ${table} WHERE key = ? AND (expire > ? OR expire IS NULL)`,
    );
    this.remove = client.prepare(`DELETE FROM ${table} WHERE key = ?`);
  }

  upsert(
    key: string,
    points: number,
    expire: number | null,
    now: number,
    forceExpire: boolean,
  ): Promise<RateLimitCounter> {
    return this.batcher.run(() => {
      const row = forceExpire
        ? this.replace.get(key, points, expire)
        : this.add.get(key, points, expire, now, now);
      if (!row) throw new Error('rate limit upsert returned no row');
      return row;
    });
  }

  async get(key: string, now: number): Promise<RateLimitCounter | null> {
    return Promise.resolve(this.select.get(key, now) ?? null);
  }

  async delete(key: string): Promise<boolean> {
    return Promise.resolve(this.remove.run(key).changes > 0);
  }
}
