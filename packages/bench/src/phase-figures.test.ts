import { describe, expect, it } from 'vitest';
import { phaseFigures, type PhaseInputs } from './phase-figures.js';

const counters = (eluIdleMs: number, eluActiveMs: number, gcMs: number, gcCount: number) => ({
  eluIdleMs,
  eluActiveMs,
  gcMs,
  gcCount,
});
const wire = (framesReceived: number, bytesReceived: number, framesSent = 0, bytesSent = 0) => ({
  framesReceived,
  bytesReceived,
  framesSent,
  bytesSent,
});

const base: PhaseInputs = {
  wallMs: 2000,
  delivered: 1000,
  cpu: {
    server: { cpuNs: 600e6, tickNs: 610e6, processes: 2 },
    'postgres-bench': { cpuNs: 150e6, tickNs: 150e6, processes: 4 },
    'postgres-shared': { cpuNs: 50e6, tickNs: 40e6, processes: 5 },
    'postgres-other': { cpuNs: 999e6, tickNs: 999e6, processes: 1 },
  },
  runtime: [
    { before: counters(100, 100, 10, 1), after: counters(600, 1600, 110, 11) },
    { before: counters(0, 0, 0, 0), after: counters(1500, 500, 20, 2) },
  ],
  wireBefore: wire(10, 1000, 5, 500),
  wireAfter: wire(4010, 401_000, 2005, 200_500),
  withPostgres: true,
};

describe('phaseFigures', () => {
  it('divides every process CPU by the messages delivered, server and PostgreSQL apart and summed', () => {
    const figures = phaseFigures(base);
    expect(figures.server).toEqual({
      processes: 2,
      cpuMs: 600,
      cpuPercent: 30,
      usPerMessage: 600,
      tickCpuMs: 610,
    });
    // Other databases' backends are shown, never charged to the bench.
    expect(figures.postgres).toEqual({
      benchBackendsMs: 150,
      benchBackends: 4,
      sharedMs: 50,
      otherDatabasesMs: 999,
      cpuMs: 200,
      cpuPercent: 10,
      usPerMessage: 200,
    });
    expect(figures.totalUsPerMessage).toBe(800);
  });

  it('averages event-loop utilization and GC share over the server processes', () => {
    const figures = phaseFigures(base);
    expect(figures.eventLoopUtilizationPerProcess).toEqual([0.75, 0.25]);
    expect(figures.eventLoopUtilization).toBe(0.5);
    // 100 ms and 20 ms of GC in 2 s.
    expect(figures.gcShare).toBe(0.03);
    expect(figures.gcPauses).toBe(12);
  });

  it('gives frames and bytes per delivered message', () => {
    expect(phaseFigures(base).wire).toEqual({
      framesOutPerMessage: 4,
      bytesOutPerMessage: 400,
      framesInPerMessage: 2,
      bytesInPerMessage: 200,
    });
  });

  it('has no per-message figure when nothing was delivered (idle), and no PostgreSQL part on SQLite', () => {
    const figures = phaseFigures({ ...base, delivered: 0, withPostgres: false, runtime: [] });
    expect(figures.server.usPerMessage).toBeNull();
    expect(figures.server.cpuPercent).toBe(30);
    expect(figures.postgres).toBeNull();
    expect(figures.totalUsPerMessage).toBeNull();
    expect(figures.eventLoopUtilization).toBeNull();
    expect(figures.wire.framesOutPerMessage).toBeNull();
  });
});
