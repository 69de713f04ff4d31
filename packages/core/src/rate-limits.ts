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

/** Adds `item` to the set of `key` (created as needed); the returned function takes it out again and drops an emptied set. */
function joinKeyedSet<T>(sets: Map<string, Set<T>>, key: string, item: T): () => void {
  const set = sets.get(key) ?? new Set<T>();
  sets.set(key, set);
  set.add(item);
  return () => {
    set.delete(item);
    if (set.size === 0 && sets.get(key) === set) sets.delete(key);
  };
}

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

  /**
   * Login attempts under way per IP (this process), from before their `consume` until their check
   * ended (or the consume was refused); `checking` once their point was granted. Each `done`
   * resolves when its attempt lets go.
   */
  private readonly attemptsUnderWay = new Map<
    string,
    Set<{ done: Promise<void>; checking: boolean }>
  >();
  /** Points that refused attempts are giving back, per IP (this process). */
  private readonly pointsReturning = new Map<string, Set<Promise<unknown>>>();

  /**
   * Runs a login's password check under the failed-login limit. Each attempt takes a point before
   * its check and gives it back if the password was right, so however many attempts race, at most
   * `loginMaxFailures` checks can fail per window. An attempt that finds the points taken by
   * attempts still under way waits for them instead of being refused: for checks still running,
   * always; for a `consume` still on its way to the database or a refused attempt's point on its
   * way back, a few times at most (refused attempts would otherwise keep waiting for each other).
   * Only failures that happened refuse it (TOO_MANY_REQUESTS, even with the right password).
   */
  async guardLogin(ip: string, check: () => Promise<boolean>): Promise<boolean> {
    let briefWaits = 0;
    for (;;) {
      let release: () => void = () => undefined;
      const attempt = {
        done: new Promise<void>((resolve) => (release = resolve)),
        checking: false,
      };
      const leave = joinKeyedSet(this.attemptsUnderWay, ip, attempt);
      const letGo = () => {
        leave();
        release();
      };
      let refused: RateLimiterRes | null;
      try {
        refused = await this.loginFailures.consume(ip).then(
          () => null,
          (rejection: unknown) => {
            if (rejection instanceof RateLimiterRes) return rejection;
            throw rejection;
          },
        );
      } catch (error) {
        letGo();
        throw error;
      }
      if (!refused) {
        attempt.checking = true;
        try {
          const valid = await check();
          if (valid) await this.loginFailures.reward(ip, 1);
          return valid;
        } finally {
          letGo(); // after the reward: whoever waits finds the point back
        }
      }
      letGo();
      await this.giveBack(ip); // this try took a point it did not use
      const others = [...(this.attemptsUnderWay.get(ip) ?? [])];
      const checking = others.filter((other) => other.checking);
      if (checking.length > 0) {
        await Promise.race(checking.map((other) => other.done));
        continue;
      }
      const returning = [...(this.pointsReturning.get(ip) ?? [])];
      if ((others.length > 0 || returning.length > 0) && briefWaits < 3) {
        briefWaits += 1;
        await Promise.race([...others.map((other) => other.done), ...returning]);
        continue;
      }
      throw tooManyRequests('Too many failed logins from your network.', refused);
    }
  }

  private async giveBack(ip: string): Promise<void> {
    const giving = this.loginFailures.reward(ip, 1);
    const leave = joinKeyedSet(
      this.pointsReturning,
      ip,
      giving.catch(() => undefined),
    );
    try {
      await giving;
    } finally {
      leave();
    }
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
