import { build, type Histogram as HdrHistogram } from 'hdr-histogram-js';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DeliveryTelemetry } from '@parley/core';
import type { StoreStats } from '@parley/db';

/** What the metrics read from the rest of the server when Prometheus scrapes. */
export type MetricsSources = {
  connectionCount(): number;
  /** Messages waiting for their recipient (the offline queue). */
  undeliveredCount(): Promise<number>;
  databaseSizeBytes(): Promise<number>;
  /** The database pool's figures and the cross-process notification lag. */
  databaseStats(): StoreStats;
  /** Log lines the log file could not take so far (a full disk). */
  logLinesDropped(): number;
  /** Uploaded files stored (sent or not) and their bytes together. */
  fileTotals(): Promise<{ count: number; bytes: number }>;
};

export type LatencySnapshot = { count: number; p50: number; p95: number; p99: number; max: number };

/** Prometheus buckets for send → delivery latency, in seconds. */
const LATENCY_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2.5, 5, 10, 30, 60, 300, 3600,
];

const newWindow = (): HdrHistogram =>
  build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 24 * 3600 * 1000,
    numberOfSignificantValueDigits: 3,
    autoResize: true,
  });

/**
 * The Prometheus registry of one server, and the `DeliveryTelemetry` the core services report to.
 * Counters only count; rates (messages/s) are Prometheus' `rate()` or the 60 s `metrics` log line.
 */
export class ServerMetrics implements DeliveryTelemetry {
  readonly registry = new Registry();
  readonly messagesStored: Counter;
  readonly messagesDelivered: Counter;
  readonly messagesFailed: Counter;
  readonly loginFailures: Counter;
  readonly deliveryLatency: Histogram;
  readonly diskUsedRatio: Gauge;
  readonly diskLowSpace: Gauge;
  readonly errorEvents: Counter<'kind'>;
  /** Plain running totals, for the log line (prom-client's getters are async). */
  readonly totals = { stored: 0, delivered: 0, failed: 0, loginFailures: 0 };
  /** Latencies (ms) since the last `takeWindow()`, for exact p50/p95/p99 in the log line. */
  private window = newWindow();

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 10 });
    this.messagesStored = new Counter({
      name: 'parley_messages_stored_total',
      help: 'Messages accepted and stored (rate() gives messages/s).',
      registers,
    });
    this.messagesDelivered = new Counter({
      name: 'parley_messages_delivered_total',
      help: 'Messages acknowledged by their recipient.',
      registers,
    });
    this.messagesFailed = new Counter({
      name: 'parley_messages_failed_total',
      help: 'Messages that can no longer be delivered (rate() gives failed messages/s).',
      registers,
    });
    this.loginFailures = new Counter({
      name: 'parley_login_failures_total',
      help: 'Failed logins (wrong credentials).',
      registers,
    });
    this.errorEvents = new Counter({
      name: 'parley_errors_total',
      help: 'Error events by kind.',
      labelNames: ['kind'],
      registers,
    });
    this.deliveryLatency = new Histogram({
      name: 'parley_delivery_latency_seconds',
      help: 'Send → acknowledgement by the recipient.',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    new Gauge({
      name: 'parley_websocket_connections',
      help: 'Open WebSocket connections.',
      registers,
      collect() {
        this.set(sources.connectionCount());
      },
    });
    new Gauge({
      name: 'parley_offline_queue_depth',
      help: 'Messages stored and not yet delivered to their recipient.',
      registers,
      async collect() {
        this.set(await sources.undeliveredCount());
      },
    });
    new Gauge({
      name: 'parley_database_size_bytes',
      help: 'Size of the database on disk (with its write-ahead log).',
      registers,
      async collect() {
        this.set(await sources.databaseSizeBytes());
      },
    });
    // One read of the totals serves both gauges of a scrape.
    let fileTotals: Promise<{ count: number; bytes: number }> | null = null;
    const readFileTotals = () => {
      fileTotals ??= sources.fileTotals().finally(() => {
        fileTotals = null;
      });
      return fileTotals;
    };
    new Gauge({
      name: 'parley_files_stored',
      help: 'Uploaded files stored (sent with a message or not yet).',
      registers,
      async collect() {
        this.set((await readFileTotals()).count);
      },
    });
    new Gauge({
      name: 'parley_files_stored_bytes',
      help: 'Bytes of the uploaded files stored (each file counted at its size).',
      registers,
      async collect() {
        this.set((await readFileTotals()).bytes);
      },
    });
    const databaseGauge = (name: string, help: string, read: (stats: StoreStats) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read(sources.databaseStats()));
        },
      });
    databaseGauge(
      'parley_db_pool_max_connections',
      'Connections the database pool may open.',
      (stats) => stats.poolMax,
    );
    databaseGauge(
      'parley_db_pool_open_connections',
      'Database pool connections open now.',
      (stats) => stats.poolOpen,
    );
    databaseGauge(
      'parley_db_queries_in_flight',
      'Database queries running now.',
      (stats) => stats.queriesInFlight,
    );
    databaseGauge(
      'parley_db_queries_waiting',
      'Database queries waiting for a free pool connection.',
      (stats) => stats.queriesWaiting,
    );
    databaseGauge(
      'parley_notification_lag_seconds',
      'Delay of the latest notification from another server process (0 until one arrives).',
      (stats) => (stats.notificationLagMs ?? 0) / 1000,
    );
    databaseGauge(
      'parley_db_read_replicas_usable',
      'Read replicas up and within the allowed lag (of parley_db_read_replicas_configured).',
      (stats) => stats.replicasUsable,
    );
    databaseGauge(
      'parley_db_read_replicas_configured',
      'Read replicas configured (DATABASE_READ_URL).',
      (stats) => stats.replicasConfigured,
    );
    let droppedSeen = 0;
    new Counter({
      name: 'parley_log_lines_dropped_total',
      help: 'Log lines that could not be written to the log file (a full disk); stdout still had them.',
      registers,
      collect() {
        const dropped = sources.logLinesDropped();
        if (dropped > droppedSeen) this.inc(dropped - droppedSeen);
        droppedSeen = dropped;
      },
    });
    this.diskUsedRatio = new Gauge({
      name: 'parley_disk_used_ratio',
      help: 'Used fraction (0–1) of the filesystem holding the data directory, checked periodically.',
      registers,
    });
    this.diskLowSpace = new Gauge({
      name: 'parley_disk_low_space',
      help: '1 while the data volume is at or past the warning threshold (80 % used).',
      registers,
    });
  }

  messageStored(): void {
    this.totals.stored += 1;
    this.messagesStored.inc();
  }

  messageDelivered(latencyMs: number): void {
    const ms = Math.max(0, latencyMs);
    this.totals.delivered += 1;
    this.messagesDelivered.inc();
    this.deliveryLatency.observe(ms / 1000);
    this.window.recordValue(Math.max(1, Math.round(ms)));
  }

  messageFailed(): void {
    this.totals.failed += 1;
    this.messagesFailed.inc();
  }

  loginFailed(): void {
    this.totals.loginFailures += 1;
    this.loginFailures.inc();
  }

  /** Percentiles of the latencies recorded since the previous call; starts a new window. */
  takeWindow(): LatencySnapshot {
    const window = this.window;
    this.window = newWindow();
    const snapshot = {
      count: window.totalCount,
      p50: window.totalCount ? window.getValueAtPercentile(50) : 0,
      p95: window.totalCount ? window.getValueAtPercentile(95) : 0,
      p99: window.totalCount ? window.getValueAtPercentile(99) : 0,
      max: window.totalCount ? window.maxValue : 0,
    };
    window.destroy();
    return snapshot;
  }

  /** Prometheus text exposition. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
