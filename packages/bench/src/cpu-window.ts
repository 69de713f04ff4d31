/** One process's CPU time at one moment. */
export type CpuReading = {
  pid: number;
  /** Clock ticks after boot: with the pid it names the process even when a pid is reused. */
  startTicks: number;
  /** What the process counts as: 'server', 'postgres-bench', 'postgres-shared', … */
  group: string;
  /** Nanoseconds on a CPU, summed over its threads (schedstat). */
  cpuNs: number;
  /**
   * The same per thread (thread id → ns), when read: a thread that exits (an idle worker of a pool)
   * takes its time out of the sum, so a window counts each thread from its first to its last reading.
   */
  threadNs?: Map<number, number>;
  /** utime + stime of /proc/<pid>/stat in ns (clock-tick precision; counts exited threads too). */
  tickNs: number;
};

export type CpuTotals = Record<string, { cpuNs: number; tickNs: number; processes: number }>;

type Seen = {
  group: string;
  baseline: CpuReading | null;
  latest: CpuReading;
  /** Per thread: its time at its first reading in the window (0 if it started later) and its last. */
  threads: Map<number, { first: number; last: number }> | null;
};

const threadsOf = (reading: CpuReading, fromZero: boolean) =>
  reading.threadNs
    ? new Map(
        [...reading.threadNs].map(([tid, ns]) => [tid, { first: fromZero ? 0 : ns, last: ns }]),
      )
    : null;

/**
 * CPU used by a changing set of processes over one window (a load phase): each process counts
 * from its reading when the window opened, or from zero if it first appears later (a database
 * backend the pool opened during the phase). A process that exits keeps what it used up to its
 * last reading, so sampling often loses at most one interval of a process that dies.
 */
export class CpuWindow {
  private readonly seen = new Map<string, Seen>();

  constructor(first: CpuReading[]) {
    for (const reading of first) {
      this.seen.set(keyOf(reading), {
        group: reading.group,
        baseline: reading,
        latest: reading,
        threads: threadsOf(reading, false),
      });
    }
  }

  observe(readings: CpuReading[]): void {
    for (const reading of readings) {
      const key = keyOf(reading);
      const seen = this.seen.get(key);
      if (seen) {
        seen.latest = reading;
        // A new backend shows the postmaster's title until it has a database: the latest wins.
        seen.group = reading.group;
        if (seen.threads && reading.threadNs) {
          for (const [tid, ns] of reading.threadNs) {
            const thread = seen.threads.get(tid);
            if (thread) thread.last = ns;
            else seen.threads.set(tid, { first: 0, last: ns });
          }
        } else seen.threads = null;
      } else {
        this.seen.set(key, {
          group: reading.group,
          baseline: null,
          latest: reading,
          threads: threadsOf(reading, true),
        });
      }
    }
  }

  totals(): CpuTotals {
    const totals: CpuTotals = {};
    for (const { group, baseline, latest, threads } of this.seen.values()) {
      const total = (totals[group] ??= { cpuNs: 0, tickNs: 0, processes: 0 });
      if (threads) {
        for (const { first, last } of threads.values()) total.cpuNs += Math.max(0, last - first);
      } else total.cpuNs += Math.max(0, latest.cpuNs - (baseline?.cpuNs ?? 0));
      total.tickNs += Math.max(0, latest.tickNs - (baseline?.tickNs ?? 0));
      total.processes += 1;
    }
    return totals;
  }
}

const keyOf = (reading: CpuReading) => `${reading.pid}@${reading.startTicks}`;
