import { createRequire } from 'node:module';
import { RateLimiterRes, type RateLimiterStoreAbstract as StoreBase } from 'rate-limiter-flexible';
import type { RateLimiterOptions } from './store.js';

// The base class of the library's own stores, typed but not exported at run time.
const RateLimiterStoreAbstract = createRequire(import.meta.url)(
  'rate-limiter-flexible/lib/RateLimiterStoreAbstract.js',
) as typeof StoreBase;

/** One key's count in the `rate_limits` table; `expire` in epoch ms, null for never. */
export type RateLimitCounter = { points: number; expire: number | null };

/** The `rate_limits` table of one dialect: each write is one atomic statement. */
export interface RateLimitCounters {
  /**
   * Adds `points` to the key's count, or starts a new count when the stored one has expired at
   * `now` (or when `forceExpire`: replace it outright); returns the count after the write.
   */
  upsert(
    key: string,
    points: number,
    expire: number | null,
    now: number,
    forceExpire: boolean,
  ): Promise<RateLimitCounter>;
  /** The key's count unless it has expired at `now`. */
  get(key: string, now: number): Promise<RateLimitCounter | null>;
  delete(key: string): Promise<boolean>;
}

/**
 * rate-limiter-flexible's store contract over the `rate_limits` table: the library keeps the
 * limiting logic; each dialect only supplies the table's statements. Counts live in the database,
 * so they survive restarts and every process that shares it sees the same ones.
 */
export class CounterRateLimiter extends RateLimiterStoreAbstract {
  constructor(
    options: RateLimiterOptions,
    private readonly counters: RateLimitCounters,
  ) {
    super({
      keyPrefix: options.keyPrefix,
      points: options.points,
      duration: options.duration,
      blockDuration: options.blockDuration ?? 0,
      storeClient: counters,
    });
  }

  _upsert(
    key: string,
    points: number,
    msDuration: number,
    forceExpire = false,
  ): Promise<RateLimitCounter> {
    const now = Date.now();
    return this.counters.upsert(
      key,
      points,
      msDuration > 0 ? now + msDuration : null,
      now,
      forceExpire,
    );
  }

  _get(key: string): Promise<RateLimitCounter | null> {
    return this.counters.get(key, Date.now());
  }

  _delete(key: string): Promise<boolean> {
    return this.counters.delete(key);
  }

  _getRateLimiterRes(
    _key: string,
    changedPoints: number,
    counter: RateLimitCounter,
  ): RateLimiterRes {
    return new RateLimiterRes(
      Math.max(this.points - counter.points, 0),
      counter.expire === null ? -1 : Math.max(counter.expire - Date.now(), 0),
      counter.points,
      counter.points === changedPoints,
    );
  }
}
