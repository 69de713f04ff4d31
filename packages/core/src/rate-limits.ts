import type { Store } from '@parley/db';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { CoreConfig } from './core-config.js';
import { DomainError } from './domain-error.js';
import { FallbackLimiter } from './fallback-limiter.js';
import type { StorageFailureLog } from './storage-failure-log.js';

const retryAfterSeconds = (res: RateLimiterRes): number =>
  Math.max(1, Math.ceil(res.msBeforeNext / 1000));

const tooManyRequests = (message: string, res: RateLimiterRes) => {
  const retryAfter = retryAfterSeconds(res);
  return new DomainError('TOO_MANY_REQUESTS', `${message} Try again in ${retryAfter} s.`, {
    retryAfter,
  });
};

/**
 * The limits of docs/api.md, kept in the database so that a restart does not reset them. While the
 * database cannot be written (a full disk), each limit goes on in this process's memory instead
 * (see FallbackLimiter): reads keep working, and the failed-login limit still stops brute force.
 */
export class RateLimits {
  private readonly loginFailures: FallbackLimiter;
  private readonly signups: FallbackLimiter;
  private readonly requests: FallbackLimiter;

  constructor(
    store: Store,
    private readonly config: CoreConfig,
    failures: StorageFailureLog,
  ) {
    const limiter = (keyPrefix: string, points: number, duration: number) =>
      new FallbackLimiter(
        store.createRateLimiter({ keyPrefix, points, duration }),
        keyPrefix,
        failures,
      );
    this.loginFailures = limiter(
      'login-failures',
      config.loginMaxFailures,
      config.loginWindowSeconds,
    );
    this.signups = limiter('signups', config.signupsPerIpPerHour, 3600);
    this.requests = limiter('requests', config.requestsPerMinute, 60);
  }

  /** Login attempts whose password check is running, per IP (this process). */
  private readonly loginsInFlight = new Map<string, Set<Promise<boolean>>>();

  /**
   * Runs a login's password check under the failed-login limit. Each attempt takes a point before
   * its check and gives it back if the password was right, so however many attempts race, at most
   * `loginMaxFailures` checks can fail per window. An attempt that finds the points taken by
   * checks still running waits for them instead of being refused; only failures that happened
   * refuse it (TOO_MANY_REQUESTS, even with the right password).
   */
  async guardLogin(ip: string, check: () => Promise<boolean>): Promise<boolean> {
    for (;;) {
      const refused = await this.loginFailures.consume(ip).then(
        () => null,
        (rejection: unknown) => {
          if (rejection instanceof RateLimiterRes) return rejection;
          throw rejection;
        },
      );
      if (!refused) break;
      const running = this.loginsInFlight.get(ip);
      if (!running?.size)
        throw tooManyRequests('Too many failed logins from your network.', refused);
      await this.loginFailures.reward(ip, 1); // this try took a point it did not use
      // Those checks may have ended while the point was given back: then simply try again.
      const stillRunning = [...(this.loginsInFlight.get(ip) ?? [])];
      if (stillRunning.length > 0)
        await Promise.race(stillRunning.map((attempt) => attempt.catch(() => false)));
    }
    const running = this.loginsInFlight.get(ip) ?? new Set<Promise<boolean>>();
    this.loginsInFlight.set(ip, running);
    const attempt = (async () => {
      const valid = await check();
      if (valid) await this.loginFailures.reward(ip, 1);
      return valid;
    })();
    running.add(attempt);
    // Registered first, so waiters woken by this attempt see it gone.
    const done = () => {
      running.delete(attempt);
      if (running.size === 0 && this.loginsInFlight.get(ip) === running)
        this.loginsInFlight.delete(ip);
    };
    attempt.then(done, done);
    return attempt;
  }

  async consumeSignup(ip: string): Promise<void> {
    await this.signups.consume(ip).catch((rejection: unknown) => {
      if (rejection instanceof RateLimiterRes) {
        throw tooManyRequests('Too many new accounts from your network.', rejection);
      }
      throw rejection;
    });
  }

  async consumeRequest(userId: string): Promise<void> {
    await this.requests.consume(userId).catch((rejection: unknown) => {
      if (rejection instanceof RateLimiterRes) {
        throw tooManyRequests('Too many requests.', rejection);
      }
      throw rejection;
    });
  }
}
