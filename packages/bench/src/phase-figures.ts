import type { CpuTotals } from './cpu-window.js';
import type { RuntimeCounters } from './runtime-counters.js';
import type { WireSnapshot } from './wire-counters.js';

/** What one load phase cost, per delivered message. */
export type PhaseCpu = {
  wallSeconds: number;
  delivered: number;
  server: {
    processes: number;
    /** CPU time of every thread of every server process (schedstat, ns precision). */
    cpuMs: number;
    /** % of one core. */
    cpuPercent: number;
    usPerMessage: number | null;
    /** The same from utime + stime (clock ticks): a cross-check that counts exited threads too. */
    tickCpuMs: number;
  };
  /** Null without --postgres. */
  postgres: {
    /** Backends serving the bench's database(s). */
    benchBackendsMs: number;
    benchBackends: number;
    /** The postmaster and the background processes (WAL writer, checkpointer, …). */
    sharedMs: number;
    /** Backends of other databases on the same cluster: not counted, shown as noise. */
    otherDatabasesMs: number;
    /** benchBackendsMs + sharedMs. */
    cpuMs: number;
    cpuPercent: number;
    usPerMessage: number | null;
  } | null;
  /** Server + PostgreSQL. */
  totalUsPerMessage: number | null;
  /** Main-thread event-loop utilization, mean over the server processes (0–1). */
  eventLoopUtilization: number | null;
  eventLoopUtilizationPerProcess: number[];
  /** Share of wall time in main-thread GC pauses, mean over the server processes (0–1). */
  gcShare: number | null;
  gcPauses: number;
  /** WebSocket frames and bytes (headers included) the server(s) wrote / read, per delivered message. */
  wire: {
    framesOutPerMessage: number | null;
    bytesOutPerMessage: number | null;
    framesInPerMessage: number | null;
    bytesInPerMessage: number | null;
  };
};

export type PhaseInputs = {
  wallMs: number;
  delivered: number;
  cpu: CpuTotals;
  /** Each server process's counters at the start and end of the phase (empty when not asked). */
  runtime: Array<{ before: RuntimeCounters; after: RuntimeCounters }>;
  wireBefore: WireSnapshot;
  wireAfter: WireSnapshot;
  withPostgres: boolean;
};

const round = (value: number, digits = 1) => {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
};

/** The per-phase figures from raw counters (ns, ms, frames) and the delivered count. */
export function phaseFigures(input: PhaseInputs): PhaseCpu {
  const { wallMs, delivered } = input;
  const perMessage = (value: number, digits = 1) =>
    delivered > 0 ? round(value / delivered, digits) : null;
  const percent = (ns: number) => (wallMs > 0 ? round((ns / 1e6 / wallMs) * 100) : 0);
  const group = (name: string) => input.cpu[name] ?? { cpuNs: 0, tickNs: 0, processes: 0 };

  const server = group('server');
  const bench = group('postgres-bench');
  const shared = group('postgres-shared');
  const other = group('postgres-other');
  const postgresNs = bench.cpuNs + shared.cpuNs;

  const utilizations = input.runtime.map(({ before, after }) => {
    const active = after.eluActiveMs - before.eluActiveMs;
    const idle = after.eluIdleMs - before.eluIdleMs;
    return active + idle > 0 ? active / (active + idle) : 0;
  });
  const gcShares = input.runtime.map(({ before, after }) =>
    wallMs > 0 ? (after.gcMs - before.gcMs) / wallMs : 0,
  );
  const mean = (values: number[]) =>
    values.length > 0 ? round(values.reduce((a, b) => a + b, 0) / values.length, 3) : null;
  const wire = (key: keyof WireSnapshot) => input.wireAfter[key] - input.wireBefore[key];

  return {
    wallSeconds: round(wallMs / 1000, 2),
    delivered,
    server: {
      processes: server.processes,
      cpuMs: round(server.cpuNs / 1e6),
      cpuPercent: percent(server.cpuNs),
      usPerMessage: perMessage(server.cpuNs / 1e3),
      tickCpuMs: round(server.tickNs / 1e6),
    },
    postgres: input.withPostgres
      ? {
          benchBackendsMs: round(bench.cpuNs / 1e6),
          benchBackends: bench.processes,
          sharedMs: round(shared.cpuNs / 1e6),
          otherDatabasesMs: round(other.cpuNs / 1e6),
          cpuMs: round(postgresNs / 1e6),
          cpuPercent: percent(postgresNs),
          usPerMessage: perMessage(postgresNs / 1e3),
        }
      : null,
    totalUsPerMessage: perMessage((server.cpuNs + (input.withPostgres ? postgresNs : 0)) / 1e3),
    eventLoopUtilization: mean(utilizations),
    eventLoopUtilizationPerProcess: utilizations.map((value) => round(value, 3)),
    gcShare: mean(gcShares),
    gcPauses: input.runtime.reduce(
      (sum, { before, after }) => sum + after.gcCount - before.gcCount,
      0,
    ),
    wire: {
      framesOutPerMessage: perMessage(wire('framesReceived'), 2),
      bytesOutPerMessage: perMessage(wire('bytesReceived'), 0),
      framesInPerMessage: perMessage(wire('framesSent'), 2),
      bytesInPerMessage: perMessage(wire('bytesSent'), 0),
    },
  };
}
