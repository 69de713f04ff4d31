import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  chownSync,
  existsSync,
  mkdtempSync,
  rmSync,
  appendFileSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../store.js';
import { testDatabaseUrl } from '../test-dialects.js';
import { openPostgresStore } from './open-postgres-store.js';

const run = promisify(execFile);
const binaries = '/usr/lib/postgresql/15/bin';

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

/**
 * A throw-away primary and a streaming replica of it (pg_basebackup), each on a free port in a
 * temporary directory, run as the `postgres` system user. The shared test server's pg_hba.conf
 * accepts no replication connections, hence a primary of our own.
 */
async function startStreamingPair(): Promise<{
  primaryUrl: string;
  replicaUrl: string;
  stop(): Promise<void>;
}> {
  const asPostgres = (command: string, args: string[]) =>
    run('runuser', ['-u', 'postgres', '--', join(binaries, command), ...args]);
  const dir = mkdtempSync(join(tmpdir(), 'parley-replica-'));
  chownSync(dir, Number((await run('id', ['-u', 'postgres'])).stdout.trim()), 0);
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const primary = join(dir, 'primary');
  const replica = join(dir, 'replica');
  const started: string[] = [];
  const stop = async () => {
    for (const data of started.reverse()) {
      await asPostgres('pg_ctl', ['-D', data, 'stop', '-m', 'immediate']).catch(() => undefined);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await asPostgres('initdb', ['-D', primary, '--auth=trust', '-U', 'postgres']);
    appendFileSync(
      join(primary, 'postgresql.conf'),
      `port=${primaryPort}\nlisten_addresses='127.0.0.1'\nunix_socket_directories='${dir}'\n` +
        `wal_level=replica\n`,
    );
    await asPostgres('pg_ctl', ['-D', primary, '-l', join(dir, 'primary.log'), '-w', 'start']);
    started.push(primary);
    await asPostgres('pg_basebackup', [
      ...['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres'],
      ...['-D', replica, '-R', '-X', 'stream'],
    ]);
    const conf = join(replica, 'postgresql.conf');
    writeFileSync(
      conf,
      readFileSync(conf, 'utf8').replace(`port=${primaryPort}`, `port=${replicaPort}`),
    );
    await asPostgres('pg_ctl', ['-D', replica, '-l', join(dir, 'replica.log'), '-w', 'start']);
    started.push(replica);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    primaryUrl: `postgres://postgres@127.0.0.1:${primaryPort}/postgres`,
    replicaUrl: `postgres://postgres@127.0.0.1:${replicaPort}/postgres`,
    stop,
  };
}

const canRun =
  testDatabaseUrl !== null &&
  process.getuid?.() === 0 &&
  existsSync(join(binaries, 'pg_basebackup'));
if (!canRun) {
  console.warn(
    'Streaming-replica test skipped: it needs PARLEY_TEST_DATABASE_URL, root (to run the ' +
      `PostgreSQL binaries as the postgres user) and ${binaries}.`,
  );
}

describe.skipIf(!canRun)('openPostgresStore with a streaming read replica', () => {
  let pair: Awaited<ReturnType<typeof startStreamingPair>> | null = null;
  let store: Store;

  beforeAll(async () => {
    pair = await startStreamingPair();
    store = await openPostgresStore({
      url: pair.primaryUrl,
      readUrls: [pair.replicaUrl],
      readMaxLagMs: 300,
      poolSize: 2,
    });
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await pair?.stop();
  });

  it('reads from the replica while it keeps up, and from the primary while it lags', async () => {
    const replicaAdmin = postgres(pair!.replicaUrl, { max: 1, onnotice: () => undefined });
    try {
      const [a, b] = [randomUUID(), randomUUID()];
      await store.users.create({ id: a, username: 'alice', passwordHash: 'h', createdAt: 1 });
      await store.users.create({ id: b, username: 'bob', passwordHash: 'h', createdAt: 1 });
      const { conversationId } = await store.conversations.open(
        { id: randomUUID(), userA: a, userB: b, createdAt: 1 },
        b,
      );
      const send = (clientId: string) =>
        store.messages.send({
          conversationId,
          clientId,
          senderId: a,
          recipientId: b,
          body: clientId,
          createdAt: 2,
          status: 'pending',
        });
      await send('first');
      const historyLength = async () =>
        (await store.messages.history(conversationId, null, 10)).length;
      const eventually = async (check: () => Promise<boolean> | boolean) => {
        const deadline = Date.now() + 15_000;
        while (!(await check())) {
          if (Date.now() > deadline) throw new Error('condition not met in time');
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      };
      await eventually(() => store.stats().replicasUsable === 1);
      await eventually(async () => (await historyLength()) === 1);
      const onReplica = await replicaAdmin`
        SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name LIKE '%-replica-0'`;
      expect(onReplica[0]?.n).toBeGreaterThan(0);

      // Replay stops: the replica falls behind, and reads go back to the primary.
      await replicaAdmin`SELECT pg_wal_replay_pause()`;
      await send('second');
      await eventually(() => store.stats().replicasUsable === 0);
      expect(await historyLength()).toBe(2);
      const replicaRows = await replicaAdmin`SELECT count(*)::int AS n FROM messages`;
      expect(replicaRows[0]?.n).toBe(1); // the replica really is behind

      await replicaAdmin`SELECT pg_wal_replay_resume()`;
      await eventually(() => store.stats().replicasUsable === 1);
      expect(await historyLength()).toBe(2);
    } finally {
      await replicaAdmin.end();
    }
  }, 60_000);
});
