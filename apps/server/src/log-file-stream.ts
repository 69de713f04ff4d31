import pinoRoll, { type PinoRollOptions, type RollingStream } from 'pino-roll';

/** How long a failed log file waits before it is opened again. */
const REOPEN_AFTER_MS = 5000;
/** Lines kept while the file is being opened (at start); past that they are dropped. */
const MAX_PENDING_LINES = 1000;

/**
 * Rotated log files (pino-roll) that can never take the server down. When a write fails (a full
 * disk: ENOSPC, or anything else) the file is dropped, lines are counted and discarded, `notice`
 * is told once, and the file is opened again every 5 s; the first line written after that says
 * so. Stdout keeps every line meanwhile.
 */
export class LogFileStream {
  /** Log lines that never reached the file (at least: lines buffered inside a failed file are not known). */
  dropped = 0;
  private stream: RollingStream | null = null;
  private pending: string[] | null = [];
  private failure: string | null = null;
  private reopenTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly options: PinoRollOptions,
    private readonly notice: (message: string, details: Record<string, unknown>) => void,
  ) {
    this.open();
  }

  write(line: string): void {
    if (this.closed) return;
    if (this.stream) {
      this.stream.write(line);
    } else if (this.pending && this.pending.length < MAX_PENDING_LINES) {
      this.pending.push(line);
    } else {
      this.dropped++;
    }
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reopenTimer);
    const stream = this.stream;
    this.stream = null;
    if (!stream) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2000);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      stream.once('close', done);
      stream.once('error', done);
      stream.end();
    });
  }

  private open(): void {
    pinoRoll(this.options).then(
      (stream) => {
        if (this.closed) return stream.end();
        stream.on('error', (error: NodeJS.ErrnoException) => this.fail(stream, error));
        if (this.failure !== null) {
          stream.once('write', () => {
            if (this.stream !== stream || this.failure === null) return;
            this.notice('log files are written again', { dropped: this.dropped });
            this.failure = null;
          });
        }
        this.stream = stream;
        for (const line of this.pending ?? []) stream.write(line);
        this.pending = null;
      },
      (error: NodeJS.ErrnoException) => this.fail(null, error),
    );
  }

  private fail(stream: RollingStream | null, error: NodeJS.ErrnoException): void {
    if (stream !== null && stream !== this.stream) return;
    this.stream = null;
    stream?.removeAllListeners('write');
    stream?.on('error', () => undefined);
    stream?.destroy();
    this.dropped += this.pending?.length ?? 0;
    this.pending = null;
    if (this.failure === null) {
      this.failure = error.code ?? error.message;
      this.notice(
        'cannot write log files: dropping log lines until it works again (stdout has them)',
        {
          error: this.failure,
        },
      );
    }
    if (!this.closed) {
      this.reopenTimer = setTimeout(() => this.open(), REOPEN_AFTER_MS);
      this.reopenTimer.unref();
    }
  }
}
