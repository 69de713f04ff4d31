export type * from './records.js';
export type * from './store.js';
export { InMemoryPresenceLeases } from './in-memory-presence-leases.js';
export { InProcessNotifier } from './in-process-notifier.js';
export {
  openSqliteStore,
  sqliteMigrationsFolder,
  type SqliteStoreOptions,
} from './sqlite/open-sqlite-store.js';
export { isStorageFull } from './storage-full.js';
