import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
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

  describe('group commit', () => {
    const folders: string[] = [];
    afterEach(() => {
      for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
    });
    /** A file database and a second connection to it, which sees only what was committed. */
    const onFile = (minCommitIntervalMs: number) => {
      const folder = mkdtempSync(join(tmpdir(), 'parley-batcher-'));
      folders.push(folder);
      const file = join(folder, 'db.sqlite');
      const client = new Database(file);
      client.pragma('journal_mode = WAL');
      client.exec('CREATE TABLE t (v TEXT UNIQUE)');
      const observer = new Database(file, { readonly: true });
      const committed = () =>
        (observer.prepare('SELECT v FROM t ORDER BY v').all() as Array<{ v: string }>).map(
          (r) => r.v,
        );
      const insert = client.prepare('INSERT INTO t (v) VALUES (?)');
      const batcher = new TransactionBatcher(client, { minCommitIntervalMs });
      return { client, batcher, insert, committed };
    };
    const settledWithin = async (promise: Promise<unknown>, ms: number) => {
      let settled = false;
      void promise.then(
        () => (settled = true),
        () => (settled = true),
      );
      await new Promise((resolve) => setTimeout(resolve, ms));
      return settled;
    };

    it('a write after a quiet spell commits in the next tick', async () => {
      const { batcher, insert, committed } = onFile(60_000);
      // No commit yet: the interval cannot hold this write back.
      expect(
        await settledWithin(
          batcher.run(() => insert.run('a')),
          200,
        ),
      ).toBe(true);
      expect(committed()).toEqual(['a']);
    });

    it('one caller writing one thing after another is never held back', async () => {
      const { batcher, insert, committed } = onFile(60_000);
      for (const value of ['a', 'b', 'c']) {
        // Each commit carried one unit: nobody else writes, so waiting would gain nothing.
        expect(
          await settledWithin(
            batcher.run(() => insert.run(value)),
            200,
          ),
        ).toBe(true);
      }
      expect(committed()).toEqual(['a', 'b', 'c']);
    });

    it('writes that follow a shared commit within the interval wait and commit together', async () => {
      const { batcher, insert, committed } = onFile(1500);
      // Two writers in one tick: the commit they shared shows concurrent writing.
      await Promise.all([batcher.run(() => insert.run('a')), batcher.run(() => insert.run('a2'))]);
      const seenInsideB: string[][] = [];
      const b = batcher.run(() => insert.run('b'));
      const c = batcher.run(() => {
        // b is written in this transaction but not committed: the other connection does not see it.
        seenInsideB.push(committed());
        return insert.run('c');
      });
      expect(await settledWithin(b, 300)).toBe(false);
      expect(committed()).toEqual(['a', 'a2']);
      await Promise.all([b, c]);
      expect(seenInsideB).toEqual([['a', 'a2']]);
      expect(committed()).toEqual(['a', 'a2', 'b', 'c']);
    });

    it('flushNow commits what waits at once', async () => {
      const { batcher, insert, committed } = onFile(60_000);
      await Promise.all([batcher.run(() => insert.run('a')), batcher.run(() => insert.run('a2'))]);
      const b = batcher.run(() => insert.run('b'));
      expect(await settledWithin(b, 100)).toBe(false);
      batcher.flushNow();
      await b;
      expect(committed()).toEqual(['a', 'a2', 'b']);
    });
  });
});
