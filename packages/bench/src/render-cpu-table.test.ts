import { describe, expect, it } from 'vitest';
import { phaseFigures, type PhaseInputs } from './phase-figures.js';
import { renderCpuTable } from './render-cpu-table.js';

const inputs = (withPostgres: boolean, delivered: number): PhaseInputs => ({
  wallMs: 1000,
  delivered,
  cpu: {
    server: { cpuNs: 500e6, tickNs: 500e6, processes: 1 },
    'postgres-bench': { cpuNs: 100e6, tickNs: 100e6, processes: 3 },
  },
  runtime: [
    {
      before: { eluIdleMs: 0, eluActiveMs: 0, gcMs: 0, gcCount: 0 },
      after: { eluIdleMs: 400, eluActiveMs: 600, gcMs: 50, gcCount: 3 },
    },
  ],
  wireBefore: { framesReceived: 0, bytesReceived: 0, framesSent: 0, bytesSent: 0 },
  wireAfter: { framesReceived: 2000, bytesReceived: 300_000, framesSent: 1500, bytesSent: 200_000 },
  withPostgres,
});

describe('renderCpuTable', () => {
  it('shows one row per phase with its cost per delivered message, and the idle row first', () => {
    const table = renderCpuTable(
      [{ phase: 'steady', rate: 500, scheduled: 500, ...phaseFigures(inputs(false, 500)) }],
      { connections: 1000, ...phaseFigures(inputs(false, 0)) },
    );
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/\| phase .*server µs\/msg .*frames out \/ in per msg/);
    expect(lines[0]).not.toMatch(/PostgreSQL/);
    expect(lines[2]).toMatch(/idle \(1000 connected, 1 s\) .*\| 50 % /);
    expect(lines[3]).toMatch(
      /steady .*\| 500 .*\| 500 of 500 .*\| 50 % .*\| 1000 .*\| 0\.6 .*\| 5 % .*\| 4 \/ 3 .*\| 600 /,
    );
  });

  it('adds PostgreSQL and the sum when it ran', () => {
    const table = renderCpuTable(
      [{ phase: 'steady', rate: 500, scheduled: 500, ...phaseFigures(inputs(true, 500)) }],
      null,
    );
    expect(table.split('\n')[0]).toMatch(/PostgreSQL CPU .*PostgreSQL µs\/msg .*total µs\/msg/);
    expect(table.split('\n')[2]).toMatch(/\| 10 % .*\| 200 .*\| 1200 /);
  });
});
