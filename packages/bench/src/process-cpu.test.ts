import { describe, expect, it } from 'vitest';
import { clockTicksPerSecond, readProcessCpu } from './process-cpu.js';

describe('readProcessCpu', () => {
  it('sees this process burn 100 ms of CPU, to the millisecond through schedstat', () => {
    const before = readProcessCpu(process.pid, 'self')!;
    const usageBefore = process.cpuUsage();
    const cpuMs = () => {
      const used = process.cpuUsage(usageBefore);
      return (used.user + used.system) / 1000;
    };
    while (cpuMs() < 100) {
      // Burn (by CPU time, not wall time: the machine may be busy).
    }
    const after = readProcessCpu(process.pid, 'self')!;
    const usage = process.cpuUsage(usageBefore);
    const burnedMs = (after.cpuNs - before.cpuNs) / 1e6;
    expect(after.startTicks).toBe(before.startTicks);
    // getrusage over the same span agrees: both count every thread.
    expect(burnedMs).toBeGreaterThanOrEqual(95);
    expect(Math.abs(burnedMs - (usage.user + usage.system) / 1000)).toBeLessThan(10);
    // The clock-tick figure moves too, at its coarser resolution.
    expect(after.tickNs - before.tickNs).toBeGreaterThanOrEqual(
      100e6 - (3 * 1e9) / clockTicksPerSecond(),
    );
  });

  it('is null for a process that does not exist', () => {
    expect(readProcessCpu(2 ** 30, 'gone')).toBeNull();
  });
});
