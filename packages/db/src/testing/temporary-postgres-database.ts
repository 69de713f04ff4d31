import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

export type TemporaryPostgresDatabase = {
  /** The new database's URL: the base URL with its database name replaced. */
  url: string;
  /** Ends every connection to it and drops it. */
  drop(): Promise<void>;
};

export type TemporaryPostgresDatabaseOptions = {
  /**
   * false: commits do not wait for the WAL flush (`synchronous_commit = off`). Tests that run the
   * server against this database lose nothing by it (they crash Parley, never PostgreSQL) and no
   * longer wait an fsync per commit; benchmarks keep it on to measure a real deployment.
   * @default true
   */
  synchronousCommit?: boolean;
};

/**
 * Creates an empty database named `parley_test_<random>` on the server of `baseUrl` (whose user
 * may create databases), for one test suite. For tests only.
 */
export async function createTemporaryPostgresDatabase(
  baseUrl: string,
  options: TemporaryPostgresDatabaseOptions = {},
): Promise<TemporaryPostgresDatabase> {
  const name = `parley_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`CREATE DATABASE ${name}`);
    if (options.synchronousCommit === false) {
      await admin.unsafe(`ALTER DATABASE ${name} SET synchronous_commit = off`);
    }
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const sql = postgres(baseUrl, { max: 1, onnotice: () => undefined });
      try {
        await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                  WHERE datname = ${name} AND pid <> pg_backend_pid()`;
        await sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await sql.end();
      }
    },
  };
}
