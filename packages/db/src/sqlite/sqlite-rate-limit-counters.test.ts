import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { CounterRateLimiter } from '../counter-rate-limiter.js';
import { openSqliteStore } from './open-sqlite-store.js';
import { SqliteRateLimitCounters } from './sqlite-rate-limit-counters.js';
import { TransactionBatcher } from './transaction-batcher.js';

describe('SqliteRateLimitCounters', () => {
  const folders: string[] = [];
  afterEach(() => {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });
  const newFile = () => {
    const folder = mkdtempSync(join(tmpdir(), 'parley-limits-'));
    folders.push(folder);
    return join(folder, 'parley.db');
  };
  const table =
    'CREATE TABLE rate_limits (key TEXT PRIMARY KEY, points INTEGER NOT NULL, expire INTEGER)';

  it('counts written when the store closes are where the next store starts', async () => {
    const file = newFile();
    const first = openSqliteStore({ file });
    const limiter = first.createRateLimiter({ keyPrefix: 'requests', points: 3, duration: 60 });
    await limiter.consume('u', 2);
    await first.close();

    const second = openSqliteStore({ file });
    const again = second.createRateLimiter({ keyPrefix: 'requests', points: 3, duration: 60 });
    expect((await again.consume('u')).remainingPoints).toBe(0);
    await expect(again.consume('u')).rejects.toMatchObject({ remainingPoints: 0 });
    await second.close();
  });

  it('counts without waiting for a commit, and writes them within the interval', async () => {
    const client = new Database(newFile());
    client.exec(table);
    const counters = new SqliteRateLimitCounters(
      client,
      'rate_limits',
      new TransactionBatcher(client, { minCommitIntervalMs: 0 }),
      { persistEveryMs: 100 },
    );
    const limiter = new CounterRateLimiter({ keyPrefix: 'p', points: 5, duration: 60 }, counters);
    await limiter.consume('k', 2);
    await limiter.consume('k', 1);
    const stored = () => client.prepare('SELECT key, points FROM rate_limits').all();
    expect(stored()).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(stored()).toEqual([{ key: 'p:k', points: 3 }]);
    counters.stop();
  });

  it('keeps counting while the table cannot be written, says so once, and writes later', async () => {
    const client = new Database(newFile());
    client.exec(table);
    const errors: unknown[] = [];
    const counters = new SqliteRateLimitCounters(
      client,
      'rate_limits',
      new TransactionBatcher(client, { minCommitIntervalMs: 0 }),
      { persistEveryMs: 60_000, onPersistError: (error) => errors.push(error) },
    );
    client.exec(
      "CREATE TRIGGER refuse BEFORE INSERT ON rate_limits BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    );
    const limiter = new CounterRateLimiter({ keyPrefix: 'p', points: 5, duration: 60 }, counters);
    await limiter.consume('k', 2);
    await counters.persist();
    await limiter.consume('k', 1);
    await counters.persist();
    expect(errors).toHaveLength(1);
    expect((await limiter.get('k'))?.consumedPoints).toBe(3);

    client.exec('DROP TRIGGER refuse');
    await counters.persist();
    expect(client.prepare('SELECT key, points FROM rate_limits').all()).toEqual([
      { key: 'p:k', points: 3 },
    ]);
    counters.stop();
  });
});
