import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from './latency-histogram.js';
import { percentileChart } from './svg-chart.js';

describe('percentileChart', () => {
  it('draws one line per series from real histograms', () => {
    const fast = new LatencyHistogram();
    const slow = new LatencyHistogram();
    for (let i = 1; i <= 1000; i += 1) {
      fast.record(i / 100);
      slow.record(i);
    }
    expect(fast.summary().p50).toBeCloseTo(5, 0);
    expect(slow.summary().p99).toBeCloseTo(990, -1);
    const svg = percentileChart('t <&>', [
      { name: 'fast', color: '#00f', curve: fast.curve() },
      { name: 'slow', color: '#f00', curve: slow.curve() },
    ]);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain('t &lt;&amp;&gt;');
    expect(svg).not.toContain('NaN');
  });
});
