import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '@parley/server';

export interface TestServer {
  url: string;
  port: number;
  dataDir: string;
  running: RunningServer | null;
  /** Stops the server (graceful close); the data directory stays. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  start(): Promise<void>;
  /** Stops it and removes the data directory. */
  dispose(): Promise<void>;
}

/** A real Parley server on a free port with a fresh SQLite file in a temp dir; cheap bcrypt for speed. */
export async function startTestServer(
  options: { requestsPerMinute?: number; webRoot?: string; maxFileBytes?: number } = {},
): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-client-test-'));
  const boot = (port: number) =>
    startServer({
      port,
      host: '127.0.0.1',
      dataDir,
      bcryptCost: 4,
      logLevel: 'silent',
      requestsPerMinute: options.requestsPerMinute ?? 1000,
      signupsPerIpPerHour: 1_000_000,
      loginMaxFailures: 1000,
      webRoot: options.webRoot ?? join(dataDir, 'no-web-build'),
      ...(options.maxFileBytes ? { maxFileBytes: options.maxFileBytes } : {}),
    });
  const first = await boot(0);
  const server: TestServer = {
    url: first.url,
    port: first.port,
    dataDir,
    running: first,
    async stop() {
      const running = server.running;
      server.running = null;
      await running?.close();
    },
    async start() {
      if (server.running) return;
      server.running = await boot(server.port);
    },
    async dispose() {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}
