import { limits } from '@parley/protocol';
import { backoffDelay } from './backoff.js';
import { describeError, isPermanentError } from './describe-error.js';

export interface AckQueueOptions {
  /** Calls `messages.ack`. */
  ack: (messageIds: string[]) => Promise<unknown>;
  /** How long ids gather before one call. @default 20 */
  delayMs?: number;
  /** Ids per call (docs/api.md: 1–500). @default 500 */
  maxBatch?: number;
  retryDelayMs?: (attempt: number) => number;
}

/**
 * Acknowledges received messages in batches: ids gathered for `delayMs` go out in one `messages.ack` of up to
 * 500; a failed call is retried with backoff. An id added again while queued is sent once.
 */
export class AckQueue {
  private readonly queued = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private sending: Promise<void> | null = null;
  private attempt = 0;
  private closed = false;
  private readonly delayMs: number;
  private readonly maxBatch: number;
  private readonly retryDelayMs: (attempt: number) => number;
  /** Messages acknowledged by the server so far (for figures and tests). */
  acknowledged = 0;

  constructor(private readonly options: AckQueueOptions) {
    this.delayMs = options.delayMs ?? 20;
    this.maxBatch = Math.min(options.maxBatch ?? limits.ackBatchMax, limits.ackBatchMax);
    this.retryDelayMs = options.retryDelayMs ?? ((attempt) => backoffDelay(attempt));
  }

  add(messageId: string): void {
    if (this.closed) return;
    this.queued.add(messageId);
    this.schedule(this.delayMs);
  }

  get size(): number {
    return this.queued.size;
  }

  /** Sends what is queued now and resolves when the queue is empty or a call failed. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.sending) await this.sending;
    if (this.queued.size > 0 && !this.closed) {
      this.sending = this.send();
      await this.sending;
    }
  }

  /** The connection is back: send what waits for a retry now. */
  retryNow(): void {
    if (!this.timer || this.sending || this.closed) return;
    clearTimeout(this.timer);
    this.timer = null;
    this.attempt = 0;
    this.sending = this.send();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queued.clear();
  }

  private schedule(delay: number): void {
    if (this.timer || this.sending || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.sending = this.send();
    }, delay);
  }

  private async send(): Promise<void> {
    let retry = false;
    let retryAfterMs = 0;
    try {
      while (this.queued.size > 0 && !this.closed) {
        const batch = [...this.queued].slice(0, this.maxBatch);
        for (const id of batch) this.queued.delete(id);
        try {
          await this.options.ack(batch);
          this.acknowledged += batch.length;
          this.attempt = 0;
        } catch (error) {
          if (isPermanentError(error)) continue; // e.g. a conversation we are no longer in
          for (const id of batch) this.queued.add(id);
          retryAfterMs = (describeError(error).retryAfter ?? 0) * 1000;
          retry = true;
          break;
        }
      }
    } finally {
      this.sending = null;
    }
    if (retry && !this.closed) {
      this.schedule(Math.max(this.retryDelayMs(this.attempt++), retryAfterMs));
    }
  }
}
