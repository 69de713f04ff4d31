/** A level-triggered wake-up: notify() before wait() is not lost. */
export class Waker {
  private pending = false;
  private release: (() => void) | null = null;

  notify(): void {
    this.pending = true;
    this.release?.();
  }

  /** Resolves on notify(), after `timeoutMs`, or when `signal` aborts, whichever comes first. */
  async wait(timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (!this.pending && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          this.release = null;
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        signal.addEventListener('abort', done);
        this.release = done;
      });
    }
    this.pending = false;
  }
}
