import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../store.js';
import { openSqliteStore } from './open-sqlite-store.js';

const dirs: string[] = [];
const stores: Store[] = [];
const open = (file: string) => {
  const store = openSqliteStore({ file });
  stores.push(store);
  return store;
};
const freshFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-limiter-test-'));
  dirs.push(dir);
  return join(dir, 'parley.db');
};

afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (reason: unknown) => reason,
  );

describe('SqliteRateLimiter', () => {
  it('allows the points of a window, then refuses with the time left', async () => {
    const limiter = open(freshFile()).createRateLimiter({
      keyPrefix: 't',
      points: 3,
      duration: 60,
    });
    const results = await Promise.all([1, 2, 3].map(() => limiter.consume('k')));
    expect(results.map((res) => res.remainingPoints).sort()).toEqual([0, 1, 2]);
    const refused = await refusal(limiter.consume('k'));
    expect(refused).toBeInstanceOf(RateLimiterRes);
    expect((refused as RateLimiterRes).msBeforeNext).toBeGreaterThan(58_000);
    expect((refused as RateLimiterRes).msBeforeNext).toBeLessThanOrEqual(60_000);
    // Another key has its own count.
    await expect(limiter.consume('other')).resolves.toBeInstanceOf(RateLimiterRes);
  });

  it('keeps counts across a restart, per key prefix', async () => {
    const file = freshFile();
    const first = open(file);
    const limiter = first.createRateLimiter({ keyPrefix: 'a', points: 2, duration: 60 });
    await limiter.consume('k', 2);
    await first.close();
    stores.splice(stores.indexOf(first), 1);

    const reopened = open(file);
    const again = reopened.createRateLimiter({ keyPrefix: 'a', points: 2, duration: 60 });
    expect(await refusal(again.consume('k'))).toBeInstanceOf(RateLimiterRes);
    const otherPrefix = reopened.createRateLimiter({ keyPrefix: 'b', points: 2, duration: 60 });
    await expect(otherPrefix.consume('k')).resolves.toBeInstanceOf(RateLimiterRes);
  });

  it('gives points back with reward, reads with get, forgets with delete', async () => {
    const limiter = open(freshFile()).createRateLimiter({
      keyPrefix: 'r',
      points: 2,
      duration: 60,
    });
    await limiter.consume('k', 2);
    await limiter.reward('k', 1);
    expect((await limiter.get('k'))?.consumedPoints).toBe(1);
    expect(await limiter.delete('k')).toBe(true);
    expect(await limiter.get('k')).toBeNull();
    expect(await limiter.delete('k')).toBe(false);
  });

  it('starts a new window once the old one has expired', async () => {
    const limiter = open(freshFile()).createRateLimiter({ keyPrefix: 'e', points: 1, duration: 1 });
    await limiter.consume('k');
    expect(await refusal(limiter.consume('k'))).toBeInstanceOf(RateLimiterRes);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const fresh = await limiter.consume('k');
    expect(fresh.consumedPoints).toBe(1);
    expect(fresh.isFirstInDuration).toBe(true);
  });

  it('blocks a key that ran out for blockDuration', async () => {
    const limiter = open(freshFile()).createRateLimiter({
      keyPrefix: 'b',
      points: 1,
      duration: 1,
      blockDuration: 120,
    });
    await limiter.consume('k');
    const refused = (await refusal(limiter.consume('k'))) as RateLimiterRes;
    expect(refused.msBeforeNext).toBeGreaterThan(100_000);
  });
});
