export type * from './records.js';
export type * from './store.js';
export { InMemoryPresenceLeases } from './in-memory-presence-leases.js';
export { InProcessNotifier } from './in-process-notifier.js';
export {
  openSqliteStore,
  sqliteFilesDir,
  sqliteMigrationsFolder,
  type SqliteStoreOptions,
} from './sqlite/open-sqlite-store.js';
export { openPostgresStore, type PostgresStoreOptions } from './postgres/open-postgres-store.js';
export { postgresMigrationsFolder } from './postgres/migrate-postgres.js';
export { isStorageFull } from './storage-full.js';
export { FileTooLargeError } from './file-too-large-error.js';
export { FileNotAttachableError } from './file-not-attachable-error.js';
export { RecipientDeletedError } from './recipient-deleted-error.js';
export { SenderUnknownError } from './sender-unknown-error.js';
export {
  copySqliteToPostgres,
  CopyCountMismatchError,
  SourceDatabaseError,
  TargetNotEmptyError,
  type CopiedTableCount,
  type CopyProgress,
  type CopySqliteToPostgresOptions,
  type CopySummary,
} from './copy/copy-sqlite-to-postgres.js';
