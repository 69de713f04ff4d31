import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTemporaryPostgresDatabase } from '@parley/db/testing';
import { pino } from 'pino';
import { startServer, type RunningServer, type StartServerOptions } from '../src/start-server.js';

/** The database this run of the suite uses (see vitest.config.ts: one project per dialect). */
export const testDialect: 'sqlite' | 'postgres' =
  process.env.PARLEY_TEST_DIALECT === 'postgres' ? 'postgres' : 'sqlite';

/** A fresh PostgreSQL database for one test server (and its restarts), dropped at dispose. */
export async function temporaryDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const baseUrl = process.env.PARLEY_TEST_DATABASE_URL;
  if (!baseUrl) throw new Error('PARLEY_TEST_DATABASE_URL is not set for the postgres project.');
  return createTemporaryPostgresDatabase(baseUrl, { synchronousCommit: false });
}

/** Where a server answers: what the test clients need, whether it runs in this process or another. */
export type ServerEndpoint = {
  /** http://127.0.0.1:PORT */
  url: string;
  /** ws://127.0.0.1:PORT/trpc */
  wsUrl: string;
};

export type TestServer = ServerEndpoint & {
  /** The running server; replaced by restart(). */
  server: RunningServer;
  dataDir: string;
  /** The PostgreSQL database's URL, or null on SQLite. */
  databaseUrl: string | null;
  /** Graceful close, then a new server on the same port and data directory. */
  restart(overrides?: StartServerOptions): Promise<void>;
  /** Closes the server and removes its data directory. */
  dispose(): Promise<void>;
};

/** A fixed 32-byte secret, so tests can sign their own (forged) tokens. */
export const TEST_JWT_SECRET = 'parley-test-secret-0123456789abcdef-0123456789';

/**
 * Every limit is set here explicitly, so that variables in the environment of the test run
 * (TRUST_PROXY, LOGIN_MAX_FAILURES, …) cannot change what a test sees.
 */
const baseOptions = (dataDir: string): StartServerOptions => ({
  port: 0,
  host: '127.0.0.1',
  dataDir,
  databaseUrl: null,
  databasePoolSize: 10,
  databaseReadUrls: [],
  databaseReadMaxLagMs: 1000,
  jwtSecret: TEST_JWT_SECRET,
  jwtPrivateKey: null,
  jwtPublicKeys: null,
  allowedOrigins: null,
  trustProxy: 0,
  bcryptCost: 4,
  loginMaxFailures: 5,
  loginWindowSeconds: 900,
  requestsPerMinute: 1000,
  signupsPerIpPerHour: 1000,
  editWindowSeconds: 86400,
  webRoot: join(dataDir, 'no-web-client'),
  logger: pino({ level: 'silent' }),
});

/**
 * A real Parley server on a free port of 127.0.0.1 with a fresh database — an SQLite file in a
 * temp directory, or a new PostgreSQL database in the postgres project — and cheap bcrypt (cost 4)
 * unless the test asks for more.
 */
export async function startTestServer(
  options: StartServerOptions & { dataDir?: string } = {},
): Promise<TestServer> {
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'parley-server-test-')));
  const database =
    testDialect === 'postgres' && options.databaseUrl === undefined
      ? await temporaryDatabase()
      : null;
  if (database) options = { ...options, databaseUrl: database.url };
  let current: RunningServer;
  try {
    current = await startServer({ ...baseOptions(dataDir), ...options, dataDir });
  } catch (error) {
    await database?.drop();
    throw error;
  }
  const port = current.port;
  const test: TestServer = {
    server: current,
    url: current.url,
    wsUrl: `ws://127.0.0.1:${port}/trpc`,
    dataDir,
    databaseUrl: options.databaseUrl ?? null,
    async restart(overrides = {}) {
      await current.close();
      current = await startServer({
        ...baseOptions(dataDir),
        ...options,
        ...overrides,
        dataDir,
        port,
      });
      test.server = current;
    },
    async dispose() {
      await current.close();
      await database?.drop();
      if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
  return test;
}
