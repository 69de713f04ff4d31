import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DeliveryTelemetry, Logger } from '@parley/core';
import { DiskCheck, type ReadFilesystem } from './disk-check.js';
import type { ErrorAggregator } from './error-aggregator.js';
import { createMetricsRoute } from './metrics-route.js';
import { MetricsReporter } from './metrics-reporter.js';
import { ServerMetrics, type MetricsSources } from './server-metrics.js';

export type ObservabilityOptions = {
  log: Logger;
  errors: ErrorAggregator;
  sources: MetricsSources;
  dataDir: string;
  /** The folder of uploaded files when it is on disk (SQLite); the disk check covers it too. */
  filesDir: string | null;
  metricsToken: string | null;
  trustProxy: number;
  /** @default 60000 */
  metricsLogIntervalMs: number;
  /** @default 60000 */
  diskCheckIntervalMs: number;
  /** @default 0.8 */
  diskWarnRatio: number;
  /** Injected filesystem reading (tests); default fs.statfs. */
  readFilesystem?: ReadFilesystem;
};

export type Observability = {
  metrics: ServerMetrics;
  /** What the core services report delivery events to. */
  telemetry: DeliveryTelemetry;
  /** The `/metrics` route for the HTTP handler's `extraRoutes`. */
  route: (req: IncomingMessage, res: ServerResponse) => boolean;
  reporter: MetricsReporter;
  disk: DiskCheck;
  /** Starts the periodic metrics line and disk check (after the server listens). */
  start(): void;
  close(): Promise<void>;
};

/** Metrics, the periodic `metrics` line, error aggregation and the disk check of one server. */
export function createObservability(options: ObservabilityOptions): Observability {
  const { log, errors, sources } = options;
  const metrics = new ServerMetrics(sources);
  const stopCounting = errors.onError((kind) => metrics.errorEvents.inc({ kind }));
  const reporter = new MetricsReporter(metrics, errors, sources, log);
  const disk = new DiskCheck({
    paths: options.filesDir === null ? [options.dataDir] : [options.dataDir, options.filesDir],
    log,
    warnRatio: options.diskWarnRatio,
    ...(options.readFilesystem ? { read: options.readFilesystem } : {}),
    onReading: (status) => {
      metrics.diskUsedRatio.set(status.usedRatio);
      metrics.diskLowSpace.set(status.low ? 1 : 0);
    },
  });
  const timers: NodeJS.Timeout[] = [];
  const every = (ms: number, task: () => Promise<unknown>, what: string) => {
    const timer = setInterval(() => {
      task().catch((error: unknown) => log.error({ err: error, event: what }, `${what} failed`));
    }, ms);
    timer.unref();
    timers.push(timer);
  };

  const telemetry: DeliveryTelemetry = {
    messageStored: () => metrics.messageStored(),
    messageDelivered: (latencyMs) => metrics.messageDelivered(latencyMs),
    messageFailed: () => {
      metrics.messageFailed();
      errors.deliveryFailed();
    },
    loginFailed: () => metrics.loginFailed(),
  };

  return {
    metrics,
    telemetry,
    reporter,
    disk,
    route: createMetricsRoute({
      metrics,
      token: options.metricsToken,
      trustProxy: options.trustProxy,
      onError: (error) => log.error({ err: error, event: 'metrics-route' }, 'metrics failed'),
    }),
    start() {
      void disk.check();
      every(options.metricsLogIntervalMs, () => reporter.report(), 'metrics-line');
      every(options.diskCheckIntervalMs, () => disk.check(), 'disk-check');
    },
    async close() {
      for (const timer of timers) clearInterval(timer);
      stopCounting();
      reporter.close();
      await errors.flush();
    },
  };
}
