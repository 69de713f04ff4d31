import { mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { getTableName } from 'drizzle-orm';
import { CounterRateLimiter } from '../counter-rate-limiter.js';
import { InMemoryPresenceLeases } from '../in-memory-presence-leases.js';
import { InProcessNotifier } from '../in-process-notifier.js';
import { EventAppender } from './append-events.js';
import { TransactionBatcher } from './transaction-batcher.js';
import { WalCheckpointer } from './wal-checkpointer.js';
import type { RateLimiterOptions, Store } from '../store.js';
import * as schema from './schema.js';
import { SqliteConversationRepository } from './sqlite-conversation-repository.js';
import { SqliteEventRepository } from './sqlite-event-repository.js';
import { SqliteFileRepository } from './sqlite-file-repository.js';
import { SqliteMessageRepository } from './sqlite-message-repository.js';
import { SqliteRateLimitCounters } from './sqlite-rate-limit-counters.js';
import { SqliteSessionRepository } from './sqlite-session-repository.js';
import { SqliteUserRepository } from './sqlite-user-repository.js';

/** drizzle/sqlite at the repository root, from packages/db/{src,dist}/sqlite. */
export const sqliteMigrationsFolder = fileURLToPath(
  new URL('../../../../drizzle/sqlite', import.meta.url),
);

export type SqliteStoreOptions = {
  /** Path of the database file; its directory is created if missing. */
  file: string;
  /**
   * The folder of uploaded files' bytes (content-addressed blobs); created if missing.
   * @default `files` beside the database file
   */
  filesDir?: string;
  /** @default 5000 */
  busyTimeoutMs?: number;
  /** Group commit: see TransactionBatcherOptions. @default 4 */
  minCommitIntervalMs?: number;
  /** Problems of background work (the WAL checkpointer), which has no caller to throw to. */
  onBackgroundError?: (message: string) => void;
};

/** Where the blobs of uploaded files go by default: `files` beside the database file. */
export const sqliteFilesDir = (databaseFile: string): string =>
  join(dirname(databaseFile), 'files');

/** Opens (creating and migrating as needed) the embedded database. */
export function openSqliteStore(options: SqliteStoreOptions): Store {
  mkdirSync(dirname(options.file), { recursive: true });
  const client = new Database(options.file);
  // Connection settings, not schema: they must be set on every connection, so not in migrations.
  client.pragma('journal_mode = WAL');
  client.pragma('synchronous = NORMAL');
  client.pragma('foreign_keys = ON');
  // Freed space is zeroed: an edited or deleted message body does not linger in free cells or
  // pages of the file (docs/api.md: deleting leaves no trace of the text).
  client.pragma('secure_delete = ON');
  client.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  // Room for the hot index pages of a large database, read through the OS page cache directly.
  client.pragma('cache_size = -65536');
  client.pragma('mmap_size = 268435456');
  const db = drizzle({ client, schema });
  migrate(db, { migrationsFolder: sqliteMigrationsFolder });

  client.pragma('wal_autocheckpoint = 0');
  const checkpointer = new WalCheckpointer(
    { file: options.file, busyTimeoutMs: options.busyTimeoutMs ?? 5000 },
    (message) => {
      // Never let the log grow without bound: SQLite checkpoints in the commits again.
      if (client.open) client.pragma('wal_autocheckpoint = 1000');
      options.onBackgroundError?.(`WAL checkpoints: ${message}`);
    },
  );

  const appender = new EventAppender(db);
  const batcher = new TransactionBatcher(client, {
    minCommitIntervalMs: options.minCommitIntervalMs,
  });
  const rateLimitCounters = new SqliteRateLimitCounters(
    client,
    getTableName(schema.rateLimits),
    batcher,
    {
      onPersistError: (error) =>
        options.onBackgroundError?.(`rate-limit counts not written: ${String(error)}`),
    },
  );
  return {
    dialect: 'sqlite',
    users: new SqliteUserRepository(db, appender),
    sessions: new SqliteSessionRepository(db),
    conversations: new SqliteConversationRepository(db, appender),
    messages: new SqliteMessageRepository(db, appender, batcher, () => {
      // The log still holds the pages as they were before (and the page that first stored the
      // text): copy it into the file and empty it, so the erased text is not left in the -wal.
      // It waits for the checkpointer's connection when that is checkpointing (busy timeout).
      const [result] = client.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
      if (result?.busy) options.onBackgroundError?.('WAL not emptied after an erase (busy)');
    }),
    events: new SqliteEventRepository(db, client, appender),
    notifier: new InProcessNotifier(),
    presenceLeases: new InMemoryPresenceLeases(),
    files: new SqliteFileRepository(db, client, options.filesDir ?? sqliteFilesDir(options.file)),
    createRateLimiter(limiter: RateLimiterOptions) {
      return new CounterRateLimiter(limiter, rateLimitCounters);
    },
    async sizeBytes() {
      const sizeOf = (file: string) => {
        try {
          return statSync(file).size;
        } catch {
          return 0;
        }
      };
      return Promise.resolve(sizeOf(options.file) + sizeOf(`${options.file}-wal`));
    },
    async ping() {
      client.prepare('SELECT 1').get();
      return Promise.resolve();
    },
    stats() {
      return {
        poolMax: 1,
        poolOpen: client.open ? 1 : 0,
        queriesInFlight: 0,
        queriesWaiting: 0,
        notificationLagMs: null,
        replicasConfigured: 0,
        replicasUsable: 0,
      };
    },
    async close() {
      rateLimitCounters.stop();
      const counted = rateLimitCounters.persist();
      batcher.flushNow();
      await counted;
      await checkpointer.stop();
      client.close();
    },
  };
}
