import { defineConfig } from 'vitest/config';

// The integration tests (test/) run once per database dialect: always on SQLite, and on PostgreSQL
// when PARLEY_TEST_DATABASE_URL names a server where a fresh database may be created per server.
const postgresUrl = process.env.PARLEY_TEST_DATABASE_URL?.trim();
if (!postgresUrl) {
  if (process.env.PARLEY_REQUIRE_POSTGRES === '1') {
    throw new Error('PARLEY_REQUIRE_POSTGRES=1 but PARLEY_TEST_DATABASE_URL is not set.');
  }
  console.log(
    '\n  PostgreSQL run skipped: set PARLEY_TEST_DATABASE_URL=postgres://… to run the server tests on PostgreSQL too.\n',
  );
}

export default defineConfig({
  test: {
    environment: 'node',
    // Real servers, real bcrypt workers and real sockets: give them room, and keep files apart so
    // that timing-sensitive tests do not compete for the CPU.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    fileParallelism: false,
    projects: [
      {
        extends: true,
        test: {
          name: 'sqlite',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          env: { PARLEY_TEST_DIALECT: 'sqlite' },
        },
      },
      ...(postgresUrl
        ? [
            {
              extends: true as const,
              test: {
                name: 'postgres',
                include: ['test/**/*.test.ts'],
                env: { PARLEY_TEST_DIALECT: 'postgres', PARLEY_TEST_DATABASE_URL: postgresUrl },
              },
            },
          ]
        : []),
    ],
  },
});
