import { createRequire } from 'node:module';
import type { Database, Statement } from 'better-sqlite3';
import { RateLimiterRes, type RateLimiterStoreAbstract as StoreBase } from 'rate-limiter-flexible';
import type { RateLimiterOptions } from '../store.js';
import type { TransactionBatcher } from './transaction-batcher.js';

// The base class of the library's own stores, typed but not exported at run time.
const RateLimiterStoreAbstract = createRequire(import.meta.url)(
  'rate-limiter-flexible/lib/RateLimiterStoreAbstract.js',
) as typeof StoreBase;

type Counter = { points: number; expire: number | null };

type Statements = {
  add: Statement<[string, number, number | null, number, number], Counter>;
  replace: Statement<[string, number, number | null], Counter>;
  get: Statement<[string, number], Counter>;
  delete: Statement<[string]>;
};

/**
 * rate-limiter-flexible's store contract over the `rate_limits` table (the library keeps the
 * limiting logic). Its own SQLite and Drizzle stores prepare a statement and commit a transaction
 * per call, which under load cost a fifth of the server's CPU; here statements are prepared once
 * and writes join the per-tick transaction of the TransactionBatcher.
 */
export class SqliteRateLimiter extends RateLimiterStoreAbstract {
  constructor(
    options: RateLimiterOptions,
    private readonly statements: Statements,
    private readonly batcher: TransactionBatcher,
  ) {
    super({
      keyPrefix: options.keyPrefix,
      points: options.points,
      duration: options.duration,
      blockDuration: options.blockDuration ?? 0,
      storeClient: statements,
    });
  }

  static prepare(client: Database, table: string): Statements {
    return {
      add: client.prepare(`
        INSERT INTO ${table} (key, points, expire) VALUES (?, ?, ?)
        ON CONFLICT(key) DO UPDATE SET
          points = CASE WHEN expire IS NULL OR expire > ? THEN points + excluded.points ELSE excluded.points END,
          expire = CASE WHEN expire IS NULL OR expire > ? THEN expire ELSE excluded.expire END
        RETURNING points, expire`),
      replace: client.prepare(
        `INSERT OR REPLACE INTO ${table} (key, points, expire) VALUES (?, ?, ?) RETURNING points, expire`,
      ),
      get: client.prepare(
        `SELECT points, expire FROM ${table} WHERE key = ? AND (expire > ? OR expire IS NULL)`,
      ),
      delete: client.prepare(`DELETE FROM ${table} WHERE key = ?`),
    };
  }

  _upsert(key: string, points: number, msDuration: number, forceExpire = false): Promise<Counter> {
    const now = Date.now();
    const expire = msDuration > 0 ? now + msDuration : null;
    return this.batcher.run(() => {
      const row = forceExpire
        ? this.statements.replace.get(key, points, expire)
        : this.statements.add.get(key, points, expire, now, now);
      if (!row) throw new Error('rate limit upsert returned no row');
      return row;
    });
  }

  _get(key: string): Promise<Counter | null> {
    return Promise.resolve(this.statements.get.get(key, Date.now()) ?? null);
  }

  _delete(key: string): Promise<boolean> {
    return Promise.resolve(this.statements.delete.run(key).changes > 0);
  }

  _getRateLimiterRes(_key: string, changedPoints: number, counter: Counter): RateLimiterRes {
    return new RateLimiterRes(
      Math.max(this.points - counter.points, 0),
      counter.expire === null ? -1 : Math.max(counter.expire - Date.now(), 0),
      counter.points,
      counter.points === changedPoints,
    );
  }
}
