import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import type { CpuReading } from './cpu-window.js';
import {
  dataDirectoryOf,
  parsePostgresCmdline,
  portOfPostmasterPid,
  type PostgresProcess,
} from './postgres-process.js';
import { parseProcStat, parseSchedstat } from './proc-stat.js';

let ticksPerSecond: number | null = null;

/** `getconf CLK_TCK` (the unit of utime and stime in /proc/<pid>/stat), 100 if it cannot tell. */
export function clockTicksPerSecond(): number {
  if (ticksPerSecond === null) {
    try {
      const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
      ticksPerSecond = Number.isFinite(value) && value > 0 ? value : 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/**
 * One process's CPU time: the sum of its live threads' `schedstat` run time (nanoseconds, the
 * precise figure) and utime + stime from its `stat` (clock ticks, but it includes threads that
 * have exited). Null when the process is gone or /proc cannot be read.
 */
export function readProcessCpu(pid: number, group: string): CpuReading | null {
  try {
    const stat = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    let cpuNs = 0;
    const threadNs = new Map<number, number>();
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const ns = parseSchedstat(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8'));
        cpuNs += ns;
        threadNs.set(Number(tid), ns);
      } catch {
        // The thread exited between the listing and the read.
      }
    }
    const tickNs = ((stat.utimeTicks + stat.stimeTicks) * 1e9) / clockTicksPerSecond();
    return { pid, startTicks: stat.startTicks, group, cpuNs, threadNs, tickNs };
  } catch {
    return null;
  }
}

const postmasterPort = (cmdline: string): number | null => {
  const dataDir = dataDirectoryOf(cmdline);
  if (dataDir === null) return null;
  try {
    return portOfPostmasterPid(readFileSync(`${dataDir}/postmaster.pid`, 'utf8'));
  } catch {
    return null;
  }
};

const numericEntries = (dir: string) => readdirSync(dir).filter((name) => /^\d+$/.test(name));

const readCmdline = (pid: number | string) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
};

/**
 * The processes of the PostgreSQL cluster listening on `port` (its postmaster's data directory
 * says which port in postmaster.pid), found under its postmaster and sorted by their titles into:
 * backends of the bench's databases ('postgres-bench'), the postmaster and the background
 * processes every database shares — WAL writer, checkpointer, background writer, autovacuum…
 * ('postgres-shared'), and backends of other databases ('postgres-other').
 */
export class PostgresProcesses {
  private postmasters: number[] | null = null;
  private readonly kinds = new Map<number, PostgresProcess>();

  constructor(
    readonly benchDatabases: Set<string>,
    private readonly port: number,
  ) {}

  /** True when a postmaster runs on this machine and its processes can be read. */
  get found(): boolean {
    return this.findPostmasters().length > 0;
  }

  read(): CpuReading[] {
    const readings: CpuReading[] = [];
    const alive = new Set<number>();
    for (const postmaster of this.findPostmasters()) {
      for (const pid of [postmaster, ...this.childrenOf(postmaster)]) {
        alive.add(pid);
        const reading = readProcessCpu(pid, this.groupOf(pid, pid === postmaster));
        if (reading) readings.push(reading);
      }
    }
    for (const pid of this.kinds.keys()) if (!alive.has(pid)) this.kinds.delete(pid);
    return readings;
  }

  private groupOf(pid: number, isPostmaster: boolean): string {
    if (isPostmaster) return 'postgres-shared';
    let kind = this.kinds.get(pid);
    if (!kind) {
      const parsed = parsePostgresCmdline(readCmdline(pid));
      // Until a new backend has set its title it shows the postmaster's: look again next time.
      if (parsed && parsed.kind !== 'postmaster') this.kinds.set(pid, parsed);
      kind = parsed ?? { kind: 'postmaster' };
    }
    if (kind.kind === 'backend')
      return this.benchDatabases.has(kind.database) ? 'postgres-bench' : 'postgres-other';
    return 'postgres-shared';
  }

  private childrenOf(pid: number): number[] {
    try {
      return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map(Number);
    } catch {
      // No CONFIG_PROC_CHILDREN: every process whose parent is the postmaster.
      const children: number[] = [];
      for (const entry of numericEntries('/proc')) {
        try {
          if (parseProcStat(readFileSync(`/proc/${entry}/stat`, 'utf8')).ppid === pid)
            children.push(Number(entry));
        } catch {
          // Gone meanwhile.
        }
      }
      return children;
    }
  }

  /**
   * The postmaster listening on the port: a postgres server process whose parent is not one, and
   * whose data directory's postmaster.pid names the port (looked up once). Every postmaster if
   * none can tell its port.
   */
  private findPostmasters(): number[] {
    if (this.postmasters === null) {
      const candidates = new Map<number, { ppid: number; port: number | null }>();
      for (const entry of numericEntries('/proc')) {
        const cmdline = readCmdline(entry);
        if (parsePostgresCmdline(cmdline)?.kind !== 'postmaster') continue;
        try {
          const stat = parseProcStat(readFileSync(`/proc/${entry}/stat`, 'utf8'));
          candidates.set(Number(entry), { ppid: stat.ppid, port: postmasterPort(cmdline) });
        } catch {
          // Gone meanwhile.
        }
      }
      const postmasters = [...candidates].filter(([, { ppid }]) => !candidates.has(ppid));
      const onPort = postmasters.filter(([, { port }]) => port === this.port);
      this.postmasters = (onPort.length > 0 ? onPort : postmasters).map(([pid]) => pid);
    }
    return this.postmasters;
  }
}
