import { describe, expect, it } from 'vitest';
import { CpuWindow, type CpuReading } from './cpu-window.js';

const reading = (pid: number, group: string, cpuMs: number, startTicks = 100): CpuReading => ({
  pid,
  startTicks,
  group,
  cpuNs: cpuMs * 1e6,
  tickNs: Math.floor(cpuMs / 10) * 1e7,
});

describe('CpuWindow', () => {
  it('counts each process from its reading at the start', () => {
    const window = new CpuWindow([reading(1, 'server', 1000), reading(2, 'server', 50)]);
    window.observe([reading(1, 'server', 1400), reading(2, 'server', 80)]);
    expect(window.totals()).toEqual({
      server: { cpuNs: 430e6, tickNs: 430e6, processes: 2 },
    });
  });

  it('counts a process that appears later from zero and keeps one that exits at its last reading', () => {
    const window = new CpuWindow([reading(10, 'postgres-bench', 500)]);
    window.observe([reading(10, 'postgres-bench', 700), reading(11, 'postgres-bench', 30)]);
    // 10 has exited; 11 goes on.
    window.observe([reading(11, 'postgres-bench', 90)]);
    expect(window.totals()['postgres-bench']).toMatchObject({ cpuNs: 290e6, processes: 2 });
  });

  it('does not mistake a reused pid for the process that had it', () => {
    const window = new CpuWindow([reading(5, 'postgres-bench', 900, 100)]);
    window.observe([reading(5, 'postgres-bench', 20, 4000)]);
    expect(window.totals()['postgres-bench']?.cpuNs).toBe(20e6);
  });

  it('files a process under its latest group (a backend names its database after it starts)', () => {
    const window = new CpuWindow([]);
    window.observe([reading(7, 'postgres-shared', 1)]);
    window.observe([reading(7, 'postgres-bench', 40)]);
    expect(window.totals()).toEqual({
      'postgres-bench': { cpuNs: 40e6, tickNs: 40e6, processes: 1 },
    });
  });
});
