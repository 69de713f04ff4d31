import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { createSql, type PgPool } from './pg-pool.js';

/** drizzle/postgres at the repository root, from packages/db/{src,dist}/postgres. */
export const postgresMigrationsFolder = fileURLToPath(
  new URL('../../../../drizzle/postgres', import.meta.url),
);

/** Any constant both sides agree on: "parley" in ASCII. */
const migrationLockKey = 0x7061726c6579;

/**
 * Applies pending migrations. Processes that start together on an empty database queue on a
 * session advisory lock, held by a connection of its own (not one of the pool's, which the
 * migration needs, and a pool may have only one) for the whole run: the first migrates, the others
 * then find nothing to do. The lock ends with its session if the process dies.
 */
export async function migratePostgres(pool: PgPool, url: string): Promise<void> {
  const lock = createSql({ url, max: 1, applicationName: 'parley-migrate' });
  try {
    await lock`SELECT pg_advisory_lock(${migrationLockKey})`;
    await migrate(pool.db, { migrationsFolder: postgresMigrationsFolder });
  } finally {
    // Ending the session releases the lock (also when the lock was never taken).
    await lock.end({ timeout: 5 });
  }
}
