/** One process's CPU time at one moment. */
export type CpuReading = {
  pid: number;
  /** Clock ticks after boot: with the pid it names the process even when a pid is reused. */
  startTicks: number;
  /** What the process counts as: 'server', 'postgres-bench', 'postgres-shared', … */
  group: string;
  /** Nanoseconds on a CPU, summed over its threads (schedstat). */
  cpuNs: number;
  /** utime + stime of /proc/<pid>/stat in ns (clock-tick precision; counts exited threads too). */
  tickNs: number;
};

export type CpuTotals = Record<string, { cpuNs: number; tickNs: number; processes: number }>;

type Seen = { group: string; baseline: CpuReading | null; latest: CpuReading };

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
      this.seen.set(keyOf(reading), { group: reading.group, baseline: reading, latest: reading });
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
      } else this.seen.set(key, { group: reading.group, baseline: null, latest: reading });
    }
  }

  totals(): CpuTotals {
    const totals: CpuTotals = {};
    for (const { group, baseline, latest } of this.seen.values()) {
      const total = (totals[group] ??= { cpuNs: 0, tickNs: 0, processes: 0 });
      total.cpuNs += Math.max(0, latest.cpuNs - (baseline?.cpuNs ?? 0));
      total.tickNs += Math.max(0, latest.tickNs - (baseline?.tickNs ?? 0));
      total.processes += 1;
    }
    return totals;
  }
}

const keyOf = (reading: CpuReading) => `${reading.pid}@${reading.startTicks}`;
