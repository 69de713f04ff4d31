import { Transform } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';

export type UploadBudgetOptions = {
  /** Whether the event loop is saturated (a LoadGauge). */
  load: { isSaturated(): boolean };
  /** Bytes per second that all uploads together may pass while the event loop is saturated. */
  saturatedBytesPerSecond: number;
  now?: () => number;
  wait?: (ms: number) => Promise<unknown>;
};

/**
 * Uploads yield to messages: while the event loop is saturated, the bytes of every upload of this
 * process pass at a shared rate (a paced queue), which backpressure turns into slower TCP reads; the
 * rest of the time they pass at once. Without it, 20 concurrent 10 MiB uploads kept the loop busy
 * enough to push message delivery p99 past 100 ms at 500 msg/s.
 */
export class UploadBudget {
  private readonly now: () => number;
  private readonly wait: (ms: number) => Promise<unknown>;
  /** When the next bytes may pass, while saturated. */
  private nextAt = 0;

  constructor(private readonly options: UploadBudgetOptions) {
    this.now = options.now ?? (() => performance.now());
    this.wait = options.wait ?? ((ms) => sleep(ms));
  }

  async take(bytes: number): Promise<void> {
    const now = this.now();
    if (!this.options.load.isSaturated()) {
      this.nextAt = now;
      return;
    }
    const start = Math.max(now, this.nextAt);
    this.nextAt = start + (bytes / this.options.saturatedBytesPerSecond) * 1000;
    if (start > now) await this.wait(start - now);
  }

  /** A pass-through stream whose chunks each wait for their share of the budget. */
  pacer(highWaterMark: number): Transform {
    return new Transform({
      highWaterMark,
      transform: (chunk: Buffer, _encoding, callback) => {
        this.take(chunk.byteLength).then(
          () => callback(null, chunk),
          (error: unknown) => callback(error as Error),
        );
      },
    });
  }
}
