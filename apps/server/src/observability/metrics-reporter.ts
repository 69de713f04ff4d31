import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Logger } from '@parley/core';
import type { ErrorAggregator } from './error-aggregator.js';
import type { MetricsSources, ServerMetrics } from './server-metrics.js';

/** How far back the average messages/s of the `metrics` line looks. */
const AVERAGE_WINDOW_MS = 5 * 60_000;

type Sample = { at: number; stored: number };

const round = (value: number, digits = 2): number => {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
};

/**
 * One `metrics` log line per interval (60 s by default): delivery latency p50/p95/p99 of that
 * interval, messages/s now and over the last 5 minutes, error rate, connections, queue depth.
 */
export class MetricsReporter {
  private readonly samples: Sample[] = [];
  private lastErrors = 0;
  private readonly loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });

  constructor(
    private readonly metrics: ServerMetrics,
    private readonly errors: ErrorAggregator,
    private readonly sources: MetricsSources,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.samples.push({ at: this.now(), stored: 0 });
    this.loopDelay.enable();
  }

  /** Builds and logs one line; returns what it logged (for tests). */
  async report(): Promise<Record<string, unknown>> {
    const at = this.now();
    const { stored, failed, delivered, loginFailures } = this.metrics.totals;
    const previous = this.samples[this.samples.length - 1]!;
    this.samples.push({ at, stored });
    while (this.samples.length > 2 && at - this.samples[1]!.at >= AVERAGE_WINDOW_MS) {
      this.samples.shift();
    }
    const oldest = this.samples[0]!;
    const seconds = Math.max(0.001, (at - previous.at) / 1000);
    const averageSeconds = Math.max(0.001, (at - oldest.at) / 1000);

    const summary = this.errors.summary();
    const newErrors = summary.total - this.lastErrors;
    this.lastErrors = summary.total;
    const latency = this.metrics.takeWindow();
    const [queueDepth, databaseSizeBytes] = await Promise.all([
      this.sources.undeliveredCount(),
      this.sources.databaseSizeBytes(),
    ]);
    const line = {
      event: 'metrics',
      intervalSeconds: round(seconds, 1),
      delivery: {
        count: latency.count,
        p50Ms: latency.p50,
        p95Ms: latency.p95,
        p99Ms: latency.p99,
        maxMs: latency.max,
      },
      messagesPerSecond: round((stored - previous.stored) / seconds),
      messagesPerSecond5m: round((stored - oldest.stored) / averageSeconds),
      /** Error events (logged errors and failed deliveries) per second in this interval. */
      errorRate: round(newErrors / seconds, 3),
      errors: summary,
      totals: { stored, delivered, failed, loginFailures },
      activeConnections: this.sources.connectionCount(),
      queueDepth,
      databaseSizeBytes,
      database: this.sources.databaseStats(),
      eventLoopDelayP99Ms: round(this.loopDelay.percentile(99) / 1e6),
    };
    this.loopDelay.reset();
    this.log.info(line, 'metrics');
    return line;
  }

  close(): void {
    this.loopDelay.disable();
  }
}
