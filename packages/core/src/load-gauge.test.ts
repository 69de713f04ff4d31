import { describe, expect, it } from 'vitest';
import { LoadGauge } from './load-gauge.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const spin = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe('LoadGauge', () => {
  it('reports a loop that was busy over the last window, and one that waited', async () => {
    const gauge = new LoadGauge(0.9);
    await sleep(300);
    expect(gauge.isSaturated()).toBe(false);
    spin(300);
    expect(gauge.isSaturated()).toBe(true);
    // Within the window it answers from the last reading.
    expect(gauge.isSaturated()).toBe(true);
    await sleep(300);
    expect(gauge.isSaturated()).toBe(false);
  });
});
