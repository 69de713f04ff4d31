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

  it('keeps the time of a thread that exits inside the window (a pool worker ending)', () => {
    const threads = (entries: Array<[number, number]>): CpuReading => ({
      ...reading(
        3,
        'server',
        entries.reduce((sum, [, ms]) => sum + ms, 0),
      ),
      threadNs: new Map(entries.map(([tid, ms]) => [tid, ms * 1e6])),
    });
    const window = new CpuWindow([
      threads([
        [3, 1000],
        [4, 5000],
      ]),
    ]);
    window.observe([
      threads([
        [3, 1010],
        [4, 5020],
        [9, 7],
      ]),
    ]);
    // Thread 4 (5 s of registration work) exits: the process's sum drops below the baseline.
    window.observe([
      threads([
        [3, 1030],
        [9, 9],
      ]),
    ]);
    expect(window.totals()['server']?.cpuNs).toBe(59e6);
  });
});
