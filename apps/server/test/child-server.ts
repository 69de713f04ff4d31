import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_JWT_SECRET } from './start-test-server.js';

/** The built server entry point (`npm run build` first). */
export const MAIN_JS = fileURLToPath(new URL('../dist/main.js', import.meta.url));

export type ChildServer = {
  process: ChildProcess;
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
};

export type ChildServerOptions = {
  dataDir: string;
  port?: number;
  /** Extra environment variables (DATABASE_URL, LOG_LEVEL, …). */
  env?: Record<string, string>;
};

/**
 * `node dist/main.js` in a child process, the way an operator runs it: configured by the
 * environment only. Resolves once it prints its `listening on` line.
 */
export function startChildServer(options: ChildServerOptions): Promise<ChildServer> {
  const child = spawn(process.execPath, ['--max-semi-space-size=128', MAIN_JS], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(options.port ?? 0),
      HOST: '127.0.0.1',
      DATA_DIR: options.dataDir,
      JWT_SECRET: TEST_JWT_SECRET,
      BCRYPT_COST: '4',
      REQUESTS_PER_MINUTE: '100000',
      SIGNUPS_PER_IP_PER_HOUR: '100000',
      // Every limit explicit, as in startTestServer: the environment of the test run cannot leak in.
      LOGIN_MAX_FAILURES: '5',
      LOGIN_WINDOW_SECONDS: '900',
      TRUST_PROXY: '0',
      WEB_ROOT: join(options.dataDir, 'no-web-client'),
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not start within 20 s:\n${output}`));
    }, 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        child.stdout.on('data', (more: Buffer) => (output += more.toString('utf8')));
        const url = match[1]!;
        resolve({
          process: child,
          url,
          port: Number(new URL(url).port),
          exited,
          output: () => output,
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) before listening:\n${output}`));
    });
  });
}
