import { PerformanceObserver, performance } from 'node:perf_hooks';

/** Cumulative figures a server child reports over IPC; the parent takes differences per phase. */
export type RuntimeCounters = {
  /** performance.eventLoopUtilization() since the process started. */
  eluIdleMs: number;
  eluActiveMs: number;
  /** Garbage-collection pauses of the main thread ('gc' performance entries). */
  gcMs: number;
  gcCount: number;
};

/** Starts counting GC pauses; the returned function reads every counter. */
export function startRuntimeCounters(): () => RuntimeCounters {
  let gcMs = 0;
  let gcCount = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcMs += entry.duration;
      gcCount += 1;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => {
    const elu = performance.eventLoopUtilization();
    return { eluIdleMs: elu.idle, eluActiveMs: elu.active, gcMs, gcCount };
  };
}
