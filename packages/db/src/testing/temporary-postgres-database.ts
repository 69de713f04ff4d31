import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

export type TemporaryPostgresDatabase = {
  /** The new database's URL: the base URL with its database name replaced. */
  url: string;
  /** Ends every connection to it and drops it. */
  drop(): Promise<void>;
};

/**
 * Creates an empty database named `parley_test_<random>` on the server of `baseUrl` (whose user
 * may create databases), for one test suite. For tests only.
 */
export async function createTemporaryPostgresDatabase(
  baseUrl: string,
): Promise<TemporaryPostgresDatabase> {
  const name = `parley_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`CREATE DATABASE ${name}`);
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
