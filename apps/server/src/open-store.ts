import { join } from 'node:path';
import type { Logger } from '@parley/core';
import { openPostgresStore, openSqliteStore, type Store } from '@parley/db';
import type { ServerConfig } from './server-config.js';

/** Where uploads' bytes are kept on disk: `DATA_DIR/files` with SQLite; null with PostgreSQL (in the database). */
export const filesDirOf = (config: ServerConfig): string | null =>
  config.databaseUrl === null ? join(config.dataDir, 'files') : null;

/** The embedded SQLite file in the data directory, or PostgreSQL when DATABASE_URL is set. */
export async function openStore(
  config: ServerConfig,
  log: Logger,
  processId: string,
): Promise<Store> {
  const onBackgroundError = (message: string) =>
    log.error({ event: 'database-background' }, message);
  if (config.databaseUrl === null) {
    return openSqliteStore({
      file: join(config.dataDir, 'parley.db'),
      filesDir: join(config.dataDir, 'files'),
      minCommitIntervalMs: config.sqliteCommitIntervalMs,
      onBackgroundError,
    });
  }
  return openPostgresStore({
    url: config.databaseUrl,
    poolSize: config.databasePoolSize,
    readUrls: config.databaseReadUrls,
    readMaxLagMs: config.databaseReadMaxLagMs,
    processId,
    onBackgroundError,
  });
}
