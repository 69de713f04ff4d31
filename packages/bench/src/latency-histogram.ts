import { build, type Histogram } from 'hdr-histogram-js';

export type LatencySummary = {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
};

/** Percentiles for the chart: x is the percentile, y the latency in ms. */
export type PercentileCurve = Array<[number, number]>;

/** Latencies in milliseconds, kept at microsecond resolution in an HdrHistogram (3 digits). */
export class LatencyHistogram {
  private readonly histogram: Histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
  });

  record(ms: number): void {
    this.histogram.recordValue(Math.max(1, Math.round(ms * 1000)));
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  at(percentile: number): number {
    return this.count === 0 ? 0 : this.histogram.getValueAtPercentile(percentile) / 1000;
  }

  summary(): LatencySummary {
    const round = (value: number) => Math.round(value * 100) / 100;
    return {
      count: this.count,
      p50: round(this.at(50)),
      p95: round(this.at(95)),
      p99: round(this.at(99)),
      p999: round(this.at(99.9)),
      max: round(this.count === 0 ? 0 : this.histogram.maxValue / 1000),
      mean: round(this.count === 0 ? 0 : this.histogram.mean / 1000),
    };
  }

  /** Latency at percentiles spaced evenly on the "1 / (1 − p)" scale, up to 99.99. */
  curve(): PercentileCurve {
    const points: PercentileCurve = [];
    for (let step = 0; step <= 40; step += 1) {
      const percentile = 100 - 100 / 10 ** (step / 10);
      points.push([percentile, this.at(percentile)]);
    }
    return points;
  }
}
