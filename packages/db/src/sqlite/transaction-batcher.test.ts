import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { TransactionBatcher } from './transaction-batcher.js';

describe('TransactionBatcher', () => {
  const setUp = () => {
    const client = new Database(':memory:');
    client.exec('CREATE TABLE t (v TEXT UNIQUE)');
    const insert = client.prepare('INSERT INTO t (v) VALUES (?)');
    return { client, batcher: new TransactionBatcher(client), insert };
  };
  const rows = (client: Database.Database) =>
    (client.prepare('SELECT v FROM t ORDER BY v').all() as Array<{ v: string }>).map((r) => r.v);

  it('a failing unit rolls back only itself', async () => {
    const { client, batcher, insert } = setUp();
    const results = await Promise.allSettled([
      batcher.run(() => insert.run('a')),
      batcher.run(() => insert.run('a')), // UNIQUE violation
      batcher.run(() => insert.run('b')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(rows(client)).toEqual(['a', 'b']);
  });

  it('a unit whose failure ends the whole transaction (as SQLITE_FULL does) does not fail the others', async () => {
    const { client, batcher, insert } = setUp();
    let firstRun = true;
    const results = await Promise.allSettled([
      batcher.run(() => insert.run('a')),
      batcher.run(() => {
        if (firstRun) {
          firstRun = false;
          // What SQLite does on SQLITE_FULL: the whole transaction is rolled back.
          client.exec('ROLLBACK');
        }
        throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      }),
      batcher.run(() => insert.run('b')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(rows(client)).toEqual(['a', 'b']);
  });
});
