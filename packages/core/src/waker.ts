/**
 * A level-triggered wake-up: notify() before wait() is not lost.
 *
 * A stream waits once per batch of events it sends, so a wait must be cheap: the abort listener is
 * added once per signal (not per wait), and a timer is only set when none is due sooner. A timer
 * left from an earlier wait may therefore end a later one early; callers loop and check their
 * state after every wake-up anyway. Call dispose() when done, so that no timer outlives the waker.
 */
export class Waker {
  private pending = false;
  private release: (() => void) | null = null;
  private timer: NodeJS.Timeout | undefined;
  private timerDueAt = Infinity;
  private signal: AbortSignal | null = null;
  private readonly wake = () => {
    const release = this.release;
    this.release = null;
    release?.();
  };
  private readonly onTimer = () => {
    this.timer = undefined;
    this.timerDueAt = Infinity;
    this.wake();
  };
  private readonly onAbort = () => {
    this.clearTimer();
    this.wake();
  };

  notify(): void {
    this.pending = true;
    this.wake();
  }

  /** Resolves on notify(), after `timeoutMs` (or sooner, see above), or when `signal` aborts. */
  async wait(timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (!this.pending && !signal.aborted) {
      this.listenTo(signal);
      const dueAt = Date.now() + timeoutMs;
      if (dueAt < this.timerDueAt) {
        this.clearTimer();
        this.timerDueAt = dueAt;
        this.timer = setTimeout(this.onTimer, timeoutMs);
      }
      await new Promise<void>((resolve) => (this.release = resolve));
    }
    this.pending = false;
  }

  /** Clears the timer and the abort listener. */
  dispose(): void {
    this.clearTimer();
    this.signal?.removeEventListener('abort', this.onAbort);
    this.signal = null;
  }

  private listenTo(signal: AbortSignal): void {
    if (signal === this.signal) return;
    this.signal?.removeEventListener('abort', this.onAbort);
    this.signal = signal;
    signal.addEventListener('abort', this.onAbort, { once: true });
  }

  private clearTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDueAt = Infinity;
  }
}
