import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import type { PgPool } from './pg-pool.js';

/** drizzle/postgres at the repository root, from packages/db/{src,dist}/postgres. */
export const postgresMigrationsFolder = fileURLToPath(
  new URL('../../../../drizzle/postgres', import.meta.url),
);

/** Any constant both sides agree on: "parley" in ASCII. */
const migrationLockKey = 0x7061726c6579;

/**
 * Applies pending migrations. Processes that start together on an empty database queue on a
 * session advisory lock, held by a connection of its own for the whole run: the first migrates,
 * the others then find nothing to do. The lock ends with its session if the process dies.
 */
export async function migratePostgres(pool: PgPool): Promise<void> {
  const lock = await pool.sql.reserve();
  try {
    await lock`SELECT pg_advisory_lock(${migrationLockKey})`;
    try {
      await migrate(pool.db, { migrationsFolder: postgresMigrationsFolder });
    } finally {
      await lock`SELECT pg_advisory_unlock(${migrationLockKey})`;
    }
  } finally {
    lock.release();
  }
}
