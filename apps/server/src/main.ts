#!/usr/bin/env -S node --max-semi-space-size=128
import { ConfigError } from './server-config.js';
import { startServer } from './start-server.js';

try {
  const server = await startServer();
  server.log.info(
    { event: 'listening', url: server.url, dataDir: server.config.dataDir },
    'listening',
  );
  console.log(`listening on ${server.url}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.log.info({ event: 'shutdown-requested', signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        server.log.error({ err: error }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
} catch (error) {
  console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : error);
  process.exit(1);
}
