import { CpuWindow, type CpuReading, type CpuTotals } from './cpu-window.js';
import type { PostgresProcesses } from './process-cpu.js';
import { readProcessCpu } from './process-cpu.js';

/**
 * Reads the CPU time of the server processes (and, with PostgreSQL, of the cluster's processes)
 * from /proc when a window opens and closes, and every `intervalMs` while one is open, so a
 * database backend that comes and goes within a phase is counted up to its last reading.
 */
export class CpuSampler {
  /** The server processes being measured (group 'server'). */
  serverPids: number[] = [];
  /** Whether PostgreSQL's processes are read too (not while the relay runs). */
  includePostgres = false;
  private readonly windows = new Set<CpuWindow>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    readonly postgres: PostgresProcesses | null,
    private readonly intervalMs = 250,
  ) {}

  read(): CpuReading[] {
    const readings: CpuReading[] = [];
    for (const pid of this.serverPids) {
      const reading = readProcessCpu(pid, 'server');
      if (reading) readings.push(reading);
    }
    if (this.postgres && this.includePostgres) readings.push(...this.postgres.read());
    return readings;
  }

  open(): CpuWindow {
    const window = new CpuWindow(this.read());
    this.windows.add(window);
    if (!this.timer) {
      this.timer = setInterval(() => {
        const readings = this.read();
        for (const open of this.windows) open.observe(readings);
      }, this.intervalMs);
      this.timer.unref();
    }
    return window;
  }

  close(window: CpuWindow): CpuTotals {
    window.observe(this.read());
    this.windows.delete(window);
    if (this.windows.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
    return window.totals();
  }
}
