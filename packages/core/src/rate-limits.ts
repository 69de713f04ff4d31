import type { Store } from '@parley/db';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { CoreConfig } from './core-config.js';
import { DomainError } from './domain-error.js';

const retryAfterSeconds = (res: RateLimiterRes): number =>
  Math.max(1, Math.ceil(res.msBeforeNext / 1000));

const tooManyRequests = (message: string, res: RateLimiterRes) => {
  const retryAfter = retryAfterSeconds(res);
  return new DomainError('TOO_MANY_REQUESTS', `${message} Try again in ${retryAfter} s.`, {
    retryAfter,
  });
};

/** The limits of API.md, kept in the database so that a restart does not reset them. */
export class RateLimits {
  private readonly loginFailures: RateLimiterAbstract;
  private readonly signups: RateLimiterAbstract;
  private readonly requests: RateLimiterAbstract;

  constructor(
    store: Store,
    private readonly config: CoreConfig,
  ) {
    this.loginFailures = store.createRateLimiter({
      keyPrefix: 'login-failures',
      points: config.loginMaxFailures,
      duration: config.loginWindowSeconds,
    });
    this.signups = store.createRateLimiter({
      keyPrefix: 'signups',
      points: config.signupsPerIpPerHour,
      duration: 3600,
    });
    this.requests = store.createRateLimiter({
      keyPrefix: 'requests',
      points: config.requestsPerMinute,
      duration: 60,
    });
  }

  /**
   * Counts a login attempt before its password is checked, and refuses it (even with the right
   * password) once the IP has used up its failures. Counting first means attempts racing in
   * parallel cannot all pass a check made before any of them failed.
   */
  async beginLoginAttempt(ip: string): Promise<void> {
    await this.loginFailures.consume(ip).catch((rejection: unknown) => {
      if (rejection instanceof RateLimiterRes) {
        throw tooManyRequests('Too many failed logins from your network.', rejection);
      }
      throw rejection;
    });
  }

  /** A successful login was not a failure: gives back the point its attempt took. */
  async forgiveLoginAttempt(ip: string): Promise<void> {
    await this.loginFailures.reward(ip, 1);
  }

  /** Refuses a password check from an IP that used up its failures, even with the right password. */
  async assertLoginAllowed(ip: string): Promise<void> {
    const res = await this.loginFailures.get(ip);
    if (res && res.consumedPoints >= this.config.loginMaxFailures) {
      throw tooManyRequests('Too many failed logins from your network.', res);
    }
  }

  async recordLoginFailure(ip: string): Promise<void> {
    await this.loginFailures.consume(ip).catch((rejection: unknown) => {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
    });
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
