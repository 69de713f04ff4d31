import { mkdirSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createServices, defaultCoreConfig, type Logger, type Services } from '@parley/core';
import { openSqliteStore, type Store } from '@parley/db';
import { AllowedOrigins, defaultOrigins } from './allowed-origins.js';
import { createHttpHandler } from './http-handler.js';
import { loadJwtSecret } from './jwt-secret.js';
import { closeLogger, createLogger, logLinesDropped } from './create-logger.js';
import type { ReadFilesystem } from './observability/disk-check.js';
import { ErrorAggregator } from './observability/error-aggregator.js';
import type { ErrorTracker } from './observability/error-tracker.js';
import { createObservability, type Observability } from './observability/observability.js';
import { loadServerConfig, type ServerConfig } from './server-config.js';
import { attachWebSocketGateway, type WebSocketGateway } from './websocket-gateway.js';

/** How long a graceful close waits for HTTP requests in flight before it cuts them. */
const SHUTDOWN_DRAIN_MS = 5000;

export type StartServerOptions = Partial<ServerConfig> & {
  /** A logger to use instead of one built from `logLevel`. */
  logger?: Logger;
  /** An external error tracker; off by default (errors are aggregated in memory and logged). */
  errorTracker?: ErrorTracker;
  /** The data volume's reading for the disk check (tests fake a full disk). @default fs.statfs */
  readFilesystem?: ReadFilesystem;
  /** For fault-injection tests only: wraps the opened store before any service uses it. */
  wrapStore?: (store: Store) => Store;
};

export type RunningServer = {
  /** http://host:port */
  url: string;
  port: number;
  config: ServerConfig;
  services: Services;
  store: Store;
  log: Logger;
  /** Metrics registry, the `metrics` log line, error aggregation and the disk check. */
  observability: Observability;
  errors: ErrorAggregator;
  /** Graceful: stop accepting, tell WebSocket clients to reconnect, close the database. */
  close(): Promise<void>;
};

/** Starts Parley: options override the environment's configuration (tests pass a temp dataDir and port 0). */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const { logger, errorTracker, readFilesystem, wrapStore, ...overrides } = options;
  const config: ServerConfig = { ...loadServerConfig(), ...overrides };
  // Before anything writes into it (logs, database, secret): the database holds password hashes
  // and messages, so a new data directory is for the server's user only. An existing one keeps
  // the mode its owner gave it.
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const errors = new ErrorAggregator(errorTracker ?? null);
  const log =
    logger ??
    createLogger(config.logLevel, {
      logDir: config.logDir ?? join(config.dataDir, 'logs'),
      onEntry: (level, object, message) => errors.observe(level, object, message),
    });
  if (config.bcryptCost < 10)
    log.warn(
      { bcryptCost: config.bcryptCost },
      'BCRYPT_COST below 10: for tests and benchmarks only',
    );
  if (config.databaseUrl !== null) {
    throw new Error(
      'PostgreSQL (DATABASE_URL) is not supported by this build yet; unset it to use the embedded SQLite.',
    );
  }

  const opened = openSqliteStore({
    file: join(config.dataDir, 'parley.db'),
    onBackgroundError: (message) => log.error({ event: 'database-background' }, message),
  });
  const store = wrapStore ? wrapStore(opened) : opened;
  let gateway: WebSocketGateway | null = null;
  const observability = createObservability({
    log,
    errors,
    sources: {
      connectionCount: () => gateway?.connectionCount() ?? 0,
      undeliveredCount: () => store.messages.undeliveredCount(),
      databaseSizeBytes: () => store.sizeBytes(),
      logLinesDropped: () => logLinesDropped(log),
    },
    dataDir: config.dataDir,
    metricsToken: config.metricsToken,
    trustProxy: config.trustProxy,
    metricsLogIntervalMs: config.metricsLogIntervalMs,
    diskCheckIntervalMs: config.diskCheckIntervalMs,
    diskWarnRatio: config.diskWarnRatio,
    ...(readFilesystem ? { readFilesystem } : {}),
  });
  const services = createServices({
    store,
    log,
    telemetry: observability.telemetry,
    config: {
      ...defaultCoreConfig(loadJwtSecret(config.dataDir, config.jwtSecret)),
      bcryptCost: config.bcryptCost,
      loginMaxFailures: config.loginMaxFailures,
      loginWindowSeconds: config.loginWindowSeconds,
      requestsPerMinute: config.requestsPerMinute,
      signupsPerIpPerHour: config.signupsPerIpPerHour,
    },
  });
  await services.start();

  let ready = false;
  const origins = new AllowedOrigins([]);
  const httpServer = createServer();
  // Requests being answered, so that a graceful close can let them finish; once closing, every
  // answer tells a keep-alive client to open no further request on that connection.
  const inFlight = new Set<ServerResponse>();
  let draining = false;
  httpServer.on('request', (_req, res) => {
    if (draining) res.setHeader('Connection', 'close');
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
  });
  gateway = attachWebSocketGateway({
    httpServer,
    services,
    origins,
    trustProxy: config.trustProxy,
    maxSocketBufferBytes: config.maxSocketBufferBytes,
    connectionParamsTimeoutMs: config.connectionParamsTimeoutMs,
    unauthenticatedSocketTimeoutMs: config.unauthenticatedSocketTimeoutMs,
    keepAlivePingMs: config.keepAlivePingMs,
    keepAlivePongWaitMs: config.keepAlivePongWaitMs,
    log,
  });
  httpServer.on(
    'request',
    createHttpHandler({
      services,
      origins,
      trustProxy: config.trustProxy,
      webRoot: config.webRoot,
      isReady: () => ready,
      extraRoutes: observability.route,
      onError: (error, path) => log.error({ err: error, path }, 'unexpected error in an HTTP call'),
    }),
  );

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const port = (httpServer.address() as AddressInfo).port;
  origins.replace(config.allowedOrigins ?? defaultOrigins(config.host, port));
  ready = true;
  observability.start();
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    config,
    services,
    store,
    log,
    observability,
    errors,
    close() {
      closing ??= (async () => {
        ready = false;
        // Stop accepting; idle keep-alive connections are closed; requests already read are
        // answered (bounded), each with `Connection: close`; only then is the rest cut.
        draining = true;
        const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()));
        for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
        await observability.close();
        await gateway?.close();
        httpServer.closeIdleConnections();
        let timer: NodeJS.Timeout | undefined;
        const drained = await Promise.race([
          stopped.then(() => true),
          new Promise<false>(
            (resolve) => (timer = setTimeout(() => resolve(false), SHUTDOWN_DRAIN_MS)),
          ),
        ]);
        clearTimeout(timer);
        if (!drained) {
          log.warn(
            { event: 'shutdown-drain-timeout', inFlight: inFlight.size },
            'HTTP requests still running after the drain timeout: closing their connections',
          );
          httpServer.closeAllConnections();
          await stopped;
        }
        await services.close();
        await store.close();
        log.info({ event: 'shutdown' }, 'server stopped');
        await closeLogger(log);
      })();
      return closing;
    },
  };
}
