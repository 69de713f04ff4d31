import { fork, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import type { ChildAnswer, ChildReady, ChildRequest } from './ipc.js';

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** A server (Parley or the relay), or the uploaders of the files phase, in a child process driven over IPC. */
export class Child {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  private constructor(
    private readonly process: ChildProcess,
    readonly port: number,
    private readonly dataDir: string | undefined,
  ) {
    process.on('message', (raw) => {
      const answer = raw as ChildAnswer;
      const pending = this.pending.get(answer.id);
      if (!pending) return;
      this.pending.delete(answer.id);
      if (answer.ok) pending.resolve(answer.result);
      else pending.reject(new Error(answer.error));
    });
    process.on('exit', () => {
      for (const pending of this.pending.values()) pending.reject(new Error('child exited'));
      this.pending.clear();
    });
  }

  /** The child's process id (its CPU time is read from /proc/<pid>). */
  get pid(): number {
    return this.process.pid ?? 0;
  }

  /**
   * Starts `script` (with --expose-gc and any extra node flags, `env` added to this process's
   * environment) and waits for its port.
   */
  static start(
    script: URL,
    execArgv: string[] = [],
    env: Record<string, string> = {},
    timeoutMs = 60_000,
  ): Promise<Child> {
    const child = fork(script, [], {
      execArgv: ['--expose-gc', ...execArgv],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      env: { ...process.env, ...env },
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error(`${script.pathname} did not start within ${timeoutMs} ms`));
      }, timeoutMs);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${script.pathname} exited with code ${code}`));
      });
      child.on('message', function onReady(raw) {
        const ready = raw as ChildReady;
        if (!ready.ready) return;
        clearTimeout(timer);
        child.off('message', onReady);
        resolve(new Child(child, ready.port, ready.dataDir));
      });
    });
  }

  request<T>(request: WithoutId<ChildRequest>, timeoutMs = 15 * 60_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`child request ${request.cmd} timed out`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.process.send({ ...request, id });
    });
  }

  /** Disconnects (the child shuts down gracefully) and waits for it to exit, killed after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.process.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    if (this.process.connected) this.process.disconnect();
    const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
    if (this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}
