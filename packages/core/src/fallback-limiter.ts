import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { StorageFailureLog } from './storage-failure-log.js';

/**
 * A limit kept in the database, with an in-memory stand-in for when the database cannot be
 * written (a full disk): every call must not fail because a counter cannot be saved, and no limit
 * may silently stop limiting. While the store fails, this process counts in memory with the same
 * points and window (starting from zero: the stored count is not readable or not writable), and
 * the failure is logged at most once a minute. rate-limiter-flexible's `insuranceLimiter` does the
 * same without telling anyone; this one reports.
 */
export class FallbackLimiter {
  private readonly memory: RateLimiterMemory;

  constructor(
    private readonly stored: RateLimiterAbstract,
    private readonly name: string,
    private readonly failures: StorageFailureLog,
  ) {
    this.memory = new RateLimiterMemory({
      keyPrefix: name,
      points: stored.points,
      duration: stored.duration,
    });
  }

  consume(key: string, points = 1): Promise<RateLimiterRes> {
    return this.stored.consume(key, points).catch((rejection: unknown) => {
      if (rejection instanceof RateLimiterRes) throw rejection;
      this.failures.report(rejection, { limiter: this.name });
      return this.memory.consume(key, points);
    });
  }

  reward(key: string, points = 1): Promise<RateLimiterRes> {
    return this.stored.reward(key, points).catch((error: unknown) => {
      this.failures.report(error, { limiter: this.name });
      return this.memory.reward(key, points);
    });
  }
}
