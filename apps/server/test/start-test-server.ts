import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startServer, type RunningServer, type StartServerOptions } from '../src/start-server.js';

export type TestServer = {
  /** The running server; replaced by restart(). */
  server: RunningServer;
  /** http://127.0.0.1:PORT */
  url: string;
  /** ws://127.0.0.1:PORT/trpc */
  wsUrl: string;
  dataDir: string;
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
  webRoot: join(dataDir, 'no-web-client'),
  logger: pino({ level: 'silent' }),
});

/**
 * A real Parley server on a free port of 127.0.0.1 with a fresh SQLite file in a temp directory
 * and cheap bcrypt (cost 4) unless the test asks for more.
 */
export async function startTestServer(
  options: StartServerOptions & { dataDir?: string } = {},
): Promise<TestServer> {
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'parley-server-test-')));
  let current = await startServer({ ...baseOptions(dataDir), ...options, dataDir });
  const port = current.port;
  const test: TestServer = {
    server: current,
    url: current.url,
    wsUrl: `ws://127.0.0.1:${port}/trpc`,
    dataDir,
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
      if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
  return test;
}
