/**
 * A fresh Parley server in its own process (so the generator's CPU is separate), on a free
 * loopback port with a temporary data directory: SQLite in it, or the PostgreSQL database the
 * parent created (PARLEY_BENCH_CHILD_DATABASE_URL; several children may share one, with the same
 * PARLEY_BENCH_CHILD_JWT_SECRET). The generator drives it over the IPC channel.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '@parley/server';
import type { ChildAnswer, ChildReady, ChildRequest, ChildStats } from './ipc.js';
import { storedPasswordHash } from './password-hash.js';
import { startRuntimeCounters } from './runtime-counters.js';
import { seedDatabase } from './seed-database.js';

const readRuntime = startRuntimeCounters();
const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
const server = await startServer({
  port: 0,
  host: '127.0.0.1',
  dataDir,
  databaseUrl: process.env.PARLEY_BENCH_CHILD_DATABASE_URL ?? null,
  jwtSecret: process.env.PARLEY_BENCH_CHILD_JWT_SECRET ?? null,
  bcryptCost: 4,
  logLevel: process.env.BENCH_LOG_LEVEL ?? 'info',
  requestsPerMinute: 1_000_000,
  signupsPerIpPerHour: 1_000_000,
  loginMaxFailures: 1000,
  webRoot: join(dataDir, 'no-web-build'),
});

const stats = (gc: boolean): ChildStats => {
  if (gc) (globalThis as { gc?: () => void }).gc?.();
  const memory = process.memoryUsage();
  const cpu = process.cpuUsage();
  return {
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    cpuUserMicros: cpu.user,
    cpuSystemMicros: cpu.system,
    connections: 0,
    queueDepth: 0,
  };
};

let stormUserCount = 0;
const handle = async (request: ChildRequest): Promise<unknown> => {
  switch (request.cmd) {
    case 'stats': {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      const connections = /^parley_websocket_connections (\d+)/m.exec(text)?.[1];
      const queueDepth = /^parley_offline_queue_depth (\d+)/m.exec(text)?.[1];
      return {
        ...stats(request.gc ?? false),
        connections: Number(connections ?? 0),
        queueDepth: Number(queueDepth ?? 0),
      };
    }
    case 'runtime':
      return readRuntime();
    case 'storm-users': {
      // One real hash at the requested cost, shared: the storm measures verification, not seeding.
      const passwordHash = storedPasswordHash(request.password, request.cost);
      const names: string[] = [];
      for (let i = 0; i < request.count; i += 1) {
        const username = `storm_${stormUserCount++}`;
        await server.store.users.create({
          id: randomUUID(),
          username,
          passwordHash,
          createdAt: Date.now(),
        });
        names.push(username);
      }
      return names;
    }
    case 'seed':
      return seedDatabase(server.store, {
        users: request.users,
        messages: request.messages,
        passwordHash: storedPasswordHash(request.password, 4),
        deadlineMs: Date.now() + 10 * 60_000,
      });
  }
};

process.on('message', (raw) => {
  const request = raw as ChildRequest;
  const answer = (message: ChildAnswer) => {
    if (process.connected) process.send?.(message);
  };
  handle(request).then(
    (result) => answer({ id: request.id, ok: true, result }),
    (error: unknown) => answer({ id: request.id, ok: false, error: String(error) }),
  );
});

/**
 * The parent kills a child that has not exited a few seconds after disconnecting. A server with a
 * backlog (PostgreSQL's pool waits for its queries to end) can take longer to close: exit before
 * that, since `--cpu-prof` writes its profile only when the process exits by itself.
 */
const closeDeadlineMs = 2000;
const stop = () => {
  const exit = (code: number) => {
    rmSync(dataDir, { recursive: true, force: true });
    process.exit(code);
  };
  setTimeout(() => exit(1), closeDeadlineMs).unref();
  server.close().then(
    () => exit(0),
    () => exit(1),
  );
};
process.once('disconnect', stop);
process.once('SIGTERM', stop);
process.send?.({ ready: true, port: server.port, dataDir } satisfies ChildReady);
