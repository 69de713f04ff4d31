/** Error codes that mean the volume under the database has no room left. */
const STORAGE_FULL_CODES = new Set(['SQLITE_FULL', 'SQLITE_IOERR_WRITE', 'ENOSPC', '53100']);

/**
 * Whether a store call failed because the disk (or the database server's) is full: SQLite's
 * SQLITE_FULL or a failed write, the system's ENOSPC, PostgreSQL's disk_full (53100). Such a
 * failure passes once space returns; callers answer it with a clear message instead of a crash.
 */
export function isStorageFull(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && STORAGE_FULL_CODES.has(code);
}
