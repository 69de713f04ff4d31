import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_JWT_SECRET, type ServerEndpoint } from './start-test-server.js';

/** The built server entry point, as `npm start` runs it. */
const mainScript = fileURLToPath(new URL('../dist/main.js', import.meta.url));

export type ServerProcess = ServerEndpoint & {
  child: ChildProcess;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
  /** `kill -9`: no shutdown, no cleanup. */
  crash(): Promise<void>;
  /** SIGTERM and wait for the exit; removes its data directory. */
  stop(): Promise<void>;
};

/**
 * The real server in a child process (node dist/main.js) on a free port, configured through the
 * environment like a deployment. Limits are set explicitly, as in startTestServer.
 */
export async function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-process-'));
  const child = spawn(process.execPath, ['--max-semi-space-size=128', mainScript], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      JWT_SECRET: TEST_JWT_SECRET,
      BCRYPT_COST: '4',
      LOG_LEVEL: 'warn',
      TRUST_PROXY: '0',
      LOGIN_MAX_FAILURES: '5',
      LOGIN_WINDOW_SECONDS: '900',
      REQUESTS_PER_MINUTE: '100000',
      SIGNUPS_PER_IP_PER_HOUR: '100000',
      WEB_ROOT: join(dataDir, 'no-web-client'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        child.stdout?.off('data', onData);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    void exited.then((code) =>
      reject(new Error(`server exited (${code}) before listening:\n${output}`)),
    );
  });
  // Keep draining the pipes so the child never blocks on a full one.
  child.stdout?.resume();
  const { port } = new URL(url);
  return {
    url,
    wsUrl: `ws://127.0.0.1:${port}/trpc`,
    child,
    exited,
    async crash() {
      child.kill('SIGKILL');
      await exited;
      await rm(dataDir, { recursive: true, force: true });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
