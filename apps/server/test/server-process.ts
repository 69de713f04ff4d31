import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChildServer, type ChildServer } from './child-server.js';
import type { ServerEndpoint } from './start-test-server.js';

export type ServerProcess = ServerEndpoint & {
  child: ChildServer;
  /** `kill -9`: no shutdown, no cleanup. */
  crash(): Promise<void>;
  /** SIGTERM and wait for the exit; removes its data directory. */
  stop(): Promise<void>;
};

/** One of several server processes of a deployment: a child process with its own data directory. */
export async function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-process-'));
  const child = await startChildServer({ dataDir, env });
  const running = () => child.process.exitCode === null && child.process.signalCode === null;
  const end = async (signal: NodeJS.Signals) => {
    if (running()) child.process.kill(signal);
    await child.exited;
    await rm(dataDir, { recursive: true, force: true });
  };
  return {
    url: child.url,
    wsUrl: `ws://127.0.0.1:${child.port}/trpc`,
    child,
    crash: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
  };
}
