import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export type WalCheckpointerOptions = {
  file: string;
  /** @default 1000 */
  intervalMs?: number;
  busyTimeoutMs: number;
};

// Runs in the worker thread, with its own connection. PASSIVE never waits for readers or writers;
// with synchronous=NORMAL a checkpoint is also where SQLite calls fsync, which now blocks this
// thread instead of the server's.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage({ error: String(error) });
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

/**
 * Copies the write-ahead log back into the database file from a worker thread. SQLite's automatic
 * checkpoint runs inside the commit that crosses its threshold, on the server's event loop: under
 * load it cost more than the writes themselves.
 */
export class WalCheckpointer {
  private readonly worker: Worker;
  private readonly stopped: Promise<void>;
  private stopping = false;

  /** `onFailure`: the checkpointer stopped working; the caller falls back to SQLite's own. */
  constructor(options: WalCheckpointerOptions, onFailure: (message: string) => void) {
    this.worker = new Worker(workerSource, {
      eval: true,
      workerData: {
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        file: options.file,
        intervalMs: options.intervalMs ?? 1000,
        busyTimeoutMs: options.busyTimeoutMs,
      },
    });
    this.worker.unref();
    this.worker.on('message', (message: { error?: string }) => {
      if (message.error) onFailure(message.error);
    });
    this.worker.on('error', (error) => onFailure(error.message));
    this.stopped = new Promise((resolve) =>
      this.worker.once('exit', (code) => {
        if (!this.stopping) onFailure(`checkpoint worker exited with code ${code}`);
        resolve();
      }),
    );
  }

  /** A last checkpoint, then the worker's connection closes. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.worker.ref(); // keep the process alive until the last checkpoint is done
    this.worker.postMessage('stop');
    await this.stopped;
  }
}
