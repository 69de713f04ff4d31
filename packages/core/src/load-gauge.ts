import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/** How often the gauge looks at the event loop again, at most (it is read on demand, no timer). */
const WINDOW_MS = 250;

/**
 * Whether this process's event loop is saturated: its utilization over the last window at or above
 * `threshold`. Work that only helps when the server keeps up (pushing unacknowledged messages
 * again) asks before it adds to the load.
 */
export class LoadGauge {
  private last: EventLoopUtilization = performance.eventLoopUtilization();
  private lastAt = performance.now();
  private saturated = false;

  constructor(private readonly threshold = 0.9) {}

  isSaturated(): boolean {
    const now = performance.now();
    if (now - this.lastAt >= WINDOW_MS) {
      const current = performance.eventLoopUtilization();
      this.saturated =
        performance.eventLoopUtilization(current, this.last).utilization >= this.threshold;
      this.last = current;
      this.lastAt = now;
    }
    return this.saturated;
  }
}

/** For tests and callers that never want to hold back. */
export const neverSaturated = { isSaturated: () => false };
