import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createServices, defaultCoreConfig, type Logger, type Services } from '@parley/core';
import { openSqliteStore, type Store } from '@parley/db';
import { AllowedOrigins, defaultOrigins } from './allowed-origins.js';
import { createHttpHandler } from './http-handler.js';
import { loadJwtSecret } from './jwt-secret.js';
import { createLogger } from './create-logger.js';
import { loadServerConfig, type ServerConfig } from './server-config.js';
import { attachWebSocketGateway } from './websocket-gateway.js';

export type StartServerOptions = Partial<ServerConfig> & {
  /** A logger to use instead of one built from `logLevel`. */
  logger?: Logger;
};

export type RunningServer = {
  /** http://host:port */
  url: string;
  port: number;
  config: ServerConfig;
  services: Services;
  store: Store;
  log: Logger;
  /** Graceful: stop accepting, tell WebSocket clients to reconnect, close the database. */
  close(): Promise<void>;
};

/** Starts Parley: options override the environment's configuration (tests pass a temp dataDir and port 0). */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const { logger, ...overrides } = options;
  const config: ServerConfig = { ...loadServerConfig(), ...overrides };
  const log = logger ?? createLogger(config.logLevel);
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

  const store = openSqliteStore({ file: join(config.dataDir, 'parley.db') });
  const services = createServices({
    store,
    log,
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
  const gateway = attachWebSocketGateway({
    httpServer,
    services,
    origins,
    trustProxy: config.trustProxy,
    maxSocketBufferBytes: config.maxSocketBufferBytes,
    connectionParamsTimeoutMs: config.connectionParamsTimeoutMs,
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
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    config,
    services,
    store,
    log,
    close() {
      closing ??= (async () => {
        ready = false;
        const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()));
        await gateway.close();
        httpServer.closeAllConnections();
        await stopped;
        await services.close();
        await store.close();
        log.info({ event: 'shutdown' }, 'server stopped');
      })();
      return closing;
    },
  };
}
