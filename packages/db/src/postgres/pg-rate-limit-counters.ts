import type { RateLimitCounter, RateLimitCounters } from '../counter-rate-limiter.js';
import type { PgPool } from './pg-pool.js';

/** The `rate_limits` statements on PostgreSQL: each an atomic upsert, so processes share counts. */
export class PgRateLimitCounters implements RateLimitCounters {
  constructor(private readonly pool: PgPool) {}

  async upsert(
    key: string,
    points: number,
    expire: number | null,
    now: number,
    forceExpire: boolean,
  ): Promise<RateLimitCounter> {
    const sql = this.pool.sql;
    const rows = await this.pool.run(() =>
      forceExpire
        ? sql<RateLimitCounter[]>`
            INSERT INTO rate_limits (key, points, expire) VALUES (${key}, ${points}, ${expire})
            ON CONFLICT (key) DO UPDATE SET points = excluded.points, expire = excluded.expire
            RETURNING points, expire`
        : sql<RateLimitCounter[]>`
            INSERT INTO rate_limits AS r (key, points, expire) VALUES (${key}, ${points}, ${expire})
            ON CONFLICT (key) DO UPDATE SET
              points = CASE WHEN r.expire IS NULL OR r.expire > ${now}
                            THEN r.points + excluded.points ELSE excluded.points END,
              expire = CASE WHEN r.expire IS NULL OR r.expire > ${now}
                            THEN r.expire ELSE excluded.expire END
            RETURNING points, expire`,
    );
    const row = rows[0];
    if (!row) throw new Error('rate limit upsert returned no row');
    return row;
  }

  async get(key: string, now: number): Promise<RateLimitCounter | null> {
    const sql = this.pool.sql;
    const rows = await this.pool.run(
      () => sql<RateLimitCounter[]>`
        SELECT points, expire FROM rate_limits
        WHERE key = ${key} AND (expire > ${now} OR expire IS NULL)`,
    );
    return rows[0] ?? null;
  }

  async delete(key: string): Promise<boolean> {
    const sql = this.pool.sql;
    const result = await this.pool.run(() => sql`DELETE FROM rate_limits WHERE key = ${key}`);
    return result.count > 0;
  }
}
