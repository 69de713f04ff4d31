import { describe, expect, it } from 'vitest';
import { OpenLoopRun, type LoadTarget } from './open-loop.js';

/** A target that delivers every message after `delayMs`, stalling completely during `stall`. */
const fakeTarget = (
  run: () => OpenLoopRun,
  delayMs: number,
  stall?: { fromMs: number; toMs: number },
) => {
  const started = performance.now();
  const target: LoadTarget = {
    pairs: 10,
    send(k) {
      const now = performance.now() - started;
      const wait = stall && now >= stall.fromMs && now < stall.toMs ? stall.toMs - now : 0;
      setTimeout(() => run().onReceive(k), delayMs + wait);
    },
  };
  return target;
};

describe('OpenLoopRun', () => {
  it('measures delivery from the scheduled time and counts every message', async () => {
    const run = new OpenLoopRun({
      rate: 500,
      durationMs: 1000,
      firstK: 1000,
      seed: 1,
      drainMs: 2000,
    });
    const result = await run.run(fakeTarget(() => run, 5));
    expect(result.scheduled).toBe(500);
    expect(result.delivered).toBe(500);
    expect(result.lost).toBe(0);
    expect(result.latency.p50).toBeGreaterThanOrEqual(4.5);
    expect(result.latency.p50).toBeLessThan(50);
    expect(result.throughput).toBeGreaterThan(400);
  });

  it('charges a stall to every message due during it (no coordinated omission)', async () => {
    const run = new OpenLoopRun({ rate: 200, durationMs: 1000, firstK: 1, seed: 2, drainMs: 2000 });
    const result = await run.run(fakeTarget(() => run, 1, { fromMs: 300, toMs: 600 }));
    expect(result.delivered).toBe(200);
    // 60 of 200 messages were due during the 300 ms stall: the p75 must see it.
    expect(run.window(300, 600).p50).toBeGreaterThan(100);
    expect(run.window(700, 1000).p99).toBeLessThan(100);
    expect(result.latency.p99).toBeGreaterThan(250);
  });

  it('reports what never arrived as lost', async () => {
    const run = new OpenLoopRun({ rate: 100, durationMs: 500, firstK: 1, seed: 3, drainMs: 200 });
    const target: LoadTarget = {
      pairs: 1,
      send: (k) => {
        if (k % 2 === 0) setTimeout(() => run.onReceive(k), 1);
      },
    };
    const result = await run.run(target);
    expect(result.scheduled).toBe(50);
    expect(result.delivered).toBe(25);
    expect(result.lost).toBe(25);
  });
});
