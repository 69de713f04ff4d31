import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  AccessTokenKeyError,
  createServices,
  defaultCoreConfig,
  loadAccessTokenKeys,
  type AccessTokenKeys,
  type Logger,
  type Services,
} from '@parley/core';
import type { Store } from '@parley/db';
import { AllowedOrigins, defaultOrigins } from './allowed-origins.js';
import { createHealthCheck } from './health-check.js';
import { createHttpHandler } from './http-handler.js';
import { loadJwtSecret } from './jwt-secret.js';
import { filesDirOf, openStore } from './open-store.js';
import { closeLogger, createLogger, logLinesDropped } from './create-logger.js';
import type { ReadFilesystem } from './observability/disk-check.js';
import { ErrorAggregator } from './observability/error-aggregator.js';
import type { ErrorTracker } from './observability/error-tracker.js';
import { createObservability, type Observability } from './observability/observability.js';
import { ConfigError, loadServerConfig, type ServerConfig } from './server-config.js';
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
  /** The clock of uploads and their cleanup (tests move it forward). @default Date.now */
  now?: () => number;
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
  const { logger, errorTracker, readFilesystem, wrapStore, now, ...overrides } = options;
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
  const jwtSecret = loadJwtSecret(config.dataDir, config.jwtSecret);
  const accessTokenKeys = await accessTokenKeysOf(config);
  if (accessTokenKeys) {
    log.info(
      {
        event: 'access-token-keys',
        alg: accessTokenKeys.signing.alg,
        kid: accessTokenKeys.signing.kid,
        verificationKids: [...accessTokenKeys.verification.keys()],
        acceptHs256: accessTokenKeys.acceptHs256,
      },
      'access tokens are signed with an asymmetric key',
    );
  }
  const processId = randomUUID();
  const opened = await openStore(config, log, processId);
  const store = wrapStore ? wrapStore(opened) : opened;
  let gateway: WebSocketGateway | null = null;
  const observability = createObservability({
    log,
    errors,
    sources: {
      connectionCount: () => gateway?.connectionCount() ?? 0,
      undeliveredCount: () => store.messages.undeliveredCount(),
      databaseSizeBytes: () => store.sizeBytes(),
      databaseStats: () => store.stats(),
      logLinesDropped: () => logLinesDropped(log),
      fileTotals: () => store.files.totals(),
    },
    dataDir: config.dataDir,
    filesDir: filesDirOf(config),
    metricsToken: config.metricsToken,
    trustProxy: config.trustProxy,
    metricsLogIntervalMs: config.metricsLogIntervalMs,
    diskCheckIntervalMs: config.diskCheckIntervalMs,
    diskWarnRatio: config.diskWarnRatio,
    ...(readFilesystem ? { readFilesystem } : {}),
  });
  const services = createServices({
    store,
    processId,
    log,
    telemetry: observability.telemetry,
    ...(now ? { now } : {}),
    config: {
      ...defaultCoreConfig(jwtSecret),
      accessTokenKeys,
      bcryptCost: config.bcryptCost,
      loginMaxFailures: config.loginMaxFailures,
      loginWindowSeconds: config.loginWindowSeconds,
      requestsPerMinute: config.requestsPerMinute,
      signupsPerIpPerHour: config.signupsPerIpPerHour,
      editWindowSeconds: config.editWindowSeconds,
      maxFileBytes: config.maxFileBytes,
      maxUserStorageBytes: config.maxUserStorageBytes,
      unsentUploadTtlMs: config.unsentUploadTtlMs,
      fileCleanupIntervalMs: config.fileCleanupIntervalMs,
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
      health: createHealthCheck({ isReady: () => ready, ping: () => store.ping() }),
      jwks: accessTokenKeys?.jwks ?? null,
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

/**
 * The asymmetric keys when JWT_PRIVATE_KEY is set. HS256 tokens of the shared secret stay valid
 * only while JWT_SECRET is set explicitly (a deployment moving from HS256 to keys).
 */
async function accessTokenKeysOf(config: ServerConfig): Promise<AccessTokenKeys | null> {
  if (config.jwtPrivateKey === null) return null;
  try {
    return await loadAccessTokenKeys({
      privateKeyPem: config.jwtPrivateKey,
      publicKeys: config.jwtPublicKeys,
      acceptHs256: config.jwtSecret !== null,
    });
  } catch (error) {
    if (error instanceof AccessTokenKeyError) {
      throw new ConfigError(`JWT_PRIVATE_KEY / JWT_PUBLIC_KEYS: ${error.message}`);
    }
    throw error;
  }
}
