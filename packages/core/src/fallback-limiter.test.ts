import { pino } from 'pino';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { describe, expect, it } from 'vitest';
import { FallbackLimiter } from './fallback-limiter.js';
import { StorageFailureLog } from './storage-failure-log.js';

/** A stored limiter whose database cannot be written. */
class FailingStore extends RateLimiterMemory {
  failing = true;
  override consume(key: string | number, points?: number) {
    if (this.failing)
      return Promise.reject(Object.assign(new Error('full'), { code: 'SQLITE_FULL' }));
    return super.consume(key, points);
  }
}

describe('FallbackLimiter', () => {
  it('keeps limiting in memory while the store fails (never fails open), and logs that once a minute', async () => {
    const lines: unknown[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const stored = new FailingStore({ points: 5, duration: 900 });
    const limiter = new FallbackLimiter(stored, 'login-failures', new StorageFailureLog(log));
    for (let i = 0; i < 5; i++) await limiter.consume('10.0.0.1');
    await expect(limiter.consume('10.0.0.1')).rejects.toBeInstanceOf(RateLimiterRes);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      event: 'storage-write-failed',
      storageFull: true,
      limiter: 'login-failures',
    });

    stored.failing = false;
    await limiter.consume('10.0.0.2');
    expect(lines).toHaveLength(1);
  });
});
