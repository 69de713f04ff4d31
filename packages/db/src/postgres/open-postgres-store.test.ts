import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, connect, type Server, type Socket } from 'node:net';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../store.js';
import { dialects, type TestDatabase } from '../test-dialects.js';
import { postgresMigrationsFolder } from './migrate-postgres.js';
import { openPostgresStore } from './open-postgres-store.js';

/** How many migrations drizzle-kit has generated (the journal lists each once). */
const migrationCount = (
  JSON.parse(readFileSync(join(postgresMigrationsFolder, 'meta', '_journal.json'), 'utf8')) as {
    entries: unknown[];
  }
).entries.length;

const pg = dialects.find((dialect) => dialect.name === 'postgres')!;

const waitFor = async (check: () => boolean | Promise<boolean>, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/** A TCP proxy to the database that the test can cut and restore. */
class CuttableProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.targetPort, this.targetHost);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    const address = this.server.address();
    if (address && typeof address === 'object') this.port = address.port;
  }

  async cut(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
    this.server = null;
  }
}

const user = (name: string) => ({
  id: randomUUID(),
  username: `${name}${randomUUID().slice(0, 6)}`,
  passwordHash: 'h',
  createdAt: 1,
});

describe.skipIf(!pg.available)('openPostgresStore', () => {
  let database: TestDatabase;
  let url: string;

  beforeAll(async () => {
    database = await pg.create();
    url = database.url!;
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it('migrates once when several processes start together on an empty database', async () => {
    const fresh = await pg.create();
    try {
      const stores = await Promise.all([fresh.open(), fresh.open(), fresh.open(), fresh.open()]);
      expect(stores).toHaveLength(4);
      const sql = postgres(fresh.url!, { max: 1, onnotice: () => undefined });
      try {
        const applied = await sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`;
        expect(applied[0]?.n).toBe(migrationCount);
        const extension = await sql`SELECT 1 FROM pg_extension WHERE extname = 'unaccent'`;
        expect(extension).toHaveLength(1);
      } finally {
        await sql.end();
      }
    } finally {
      await fresh.dispose();
    }
  });

  it('never lets a tailing reader see a user’s event ids out of order, nor a conversation’s messages', async () => {
    const writers = [await database.open({ poolSize: 4 }), await database.open({ poolSize: 4 })];
    const reader = await database.open({ poolSize: 1 });
    const [a, b] = [user('ta'), user('tb')];
    await writers[0]!.users.create(a);
    await writers[0]!.users.create(b);
    const { conversationId } = await writers[0]!.conversations.open(
      { id: randomUUID(), userA: a.id, userB: b.id, createdAt: 1 },
      a.id, // b's log holds only the messages
    );
    const perWriter = 150;
    let writing = true;
    const seen: number[] = [];
    const tail = (async () => {
      let cursor = 0;
      const deadline = Date.now() + 30_000;
      while ((writing || cursor < perWriter * 2) && Date.now() < deadline) {
        const events = await reader.events.after(b.id, cursor, 50);
        for (const event of events) {
          seen.push(event.seq);
          cursor = event.seq;
        }
      }
    })();
    await Promise.all(
      writers.map(async (writer, w) => {
        // Several sends in flight per writer: appends for b race on the head row.
        for (let i = 0; i < perWriter; i += 5) {
          await Promise.all(
            Array.from({ length: 5 }, (_, k) =>
              writer.messages.send({
                conversationId,
                clientId: `w${w}-${i + k}`,
                senderId: a.id,
                recipientId: b.id,
                body: 'x',
                createdAt: 2,
                status: 'pending',
              }),
            ),
          );
        }
      }),
    );
    writing = false;
    await tail;
    expect(seen).toEqual(Array.from({ length: perWriter * 2 }, (_, i) => i + 1));
    expect(await reader.events.head(b.id)).toBe(perWriter * 2);
    // The log's order is the conversation's: message ids rise with event ids, as history shows them.
    const messageIds = (await reader.events.after(b.id, 0, perWriter * 2)).map((event) =>
      Number(event.messageId),
    );
    expect(messageIds).toEqual([...messageIds].sort((x, y) => x - y));
  }, 60_000);

  it('publishes to other processes, not back to itself, and resyncs after losing the listener', async () => {
    const errors: string[] = [];
    const first = await database.open({
      processId: 'first',
      onBackgroundError: (m) => errors.push(m),
    });
    const second = await database.open({ processId: 'second' });
    const atFirst: string[] = [];
    const atSecond: string[] = [];
    first.notifier.subscribe('user:1', (message) => atFirst.push(message));
    second.notifier.subscribe('user:1', (message) => atSecond.push(message));
    first.notifier.publish('user:1', '5');
    first.notifier.publish('user:1', '6');
    expect(atFirst).toEqual(['5', '6']); // synchronously, locally
    await waitFor(() => atSecond.length === 2);
    expect(atSecond).toEqual(['5', '6']);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(atFirst).toEqual(['5', '6']); // its own did not come back
    expect(second.stats().notificationLagMs).toBeGreaterThanOrEqual(0);
    expect(first.stats().notificationLagMs).toBeNull();

    let resyncs = 0;
    second.notifier.onResync(() => (resyncs += 1));
    const admin = postgres(url, { max: 1, onnotice: () => undefined });
    try {
      const killed = await admin`
        SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND query ILIKE 'listen%'
          AND application_name LIKE '%-listen'`;
      expect(killed.length).toBeGreaterThanOrEqual(2);
    } finally {
      await admin.end();
    }
    await waitFor(() => resyncs === 1);
    first.notifier.publish('user:1', '7');
    await waitFor(() => atSecond.length === 3);
    expect(atSecond).toEqual(['5', '6', '7']);
    expect(errors).toEqual([]);
  });

  it('rejects ping while the server cannot be reached, and recovers (pool and listener) when it can', async () => {
    const target = new URL(url);
    const proxy = new CuttableProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    const viaProxy = new URL(url);
    viaProxy.port = String(proxy.port);
    const errors: string[] = [];
    const store: Store = await openPostgresStore({
      url: viaProxy.toString(),
      poolSize: 2,
      onBackgroundError: (message) => errors.push(message),
    });
    let resyncs = 0;
    store.notifier.onResync(() => (resyncs += 1));
    try {
      await store.ping();
      await proxy.cut();
      const started = Date.now();
      await expect(store.ping()).rejects.toThrow();
      await expect(store.users.findById('x')).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(5000);
      // A publish that cannot reach the database does not throw; it is reported, and a resync due.
      expect(() => store.notifier.publish('user:x', '1')).not.toThrow();
      await waitFor(() => errors.length === 1 && resyncs >= 1);
      const resyncsWhileDown = resyncs;
      await proxy.start(); // same port again
      await waitFor(async () =>
        store.ping().then(
          () => true,
          () => false,
        ),
      );
      expect(await store.users.findById('x')).toBeNull();
      // The listening connection came back too: its listeners are told to re-read.
      await waitFor(() => resyncs > resyncsWhileDown);
    } finally {
      await store.close();
      await proxy.cut();
    }
  }, 30_000);

  it('reads from usable replicas and skips one that cannot be reached', async () => {
    // "Replicas" here are more connections to the primary (lag 0) and a closed port.
    const closed = new URL(url);
    closed.port = '1';
    const store = await database.open({ readUrls: [url, closed.toString(), url], poolSize: 2 });
    expect(store.stats()).toMatchObject({ replicasConfigured: 3, replicasUsable: 2 });
    const [a, b] = [user('ra'), user('rb')];
    await store.users.create(a);
    await store.users.create(b);
    const { conversationId } = await store.conversations.open(
      { id: randomUUID(), userA: a.id, userB: b.id, createdAt: 1 },
      b.id,
    );
    await store.messages.send({
      conversationId,
      clientId: 'r1',
      senderId: a.id,
      recipientId: b.id,
      body: 'through a replica',
      createdAt: 2,
      status: 'pending',
    });
    for (let i = 0; i < 4; i += 1) {
      expect(await store.messages.history(conversationId, null, 10)).toHaveLength(1);
      expect(
        await store.messages.search({
          ownerId: b.id,
          words: ['replica'],
          conversationId: null,
          before: null,
          limit: 5,
        }),
      ).toHaveLength(1);
      expect(await store.users.searchByPrefix(a.username, b.id, 5)).toHaveLength(1);
      expect(await store.conversations.listFor(b.id)).toHaveLength(1);
    }
    const admin = postgres(url, { max: 1, onnotice: () => undefined });
    try {
      const replicaConnections = await admin`
        SELECT application_name FROM pg_stat_activity
        WHERE datname = current_database() AND application_name LIKE '%-replica-%'`;
      const names = new Set(
        replicaConnections.map((row) => String(row.application_name).replace(/^.*-replica-/, '')),
      );
      expect(names).toEqual(new Set(['0', '2']));
    } finally {
      await admin.end();
    }
  });
});
