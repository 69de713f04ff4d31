import { configFor } from '@parley/eslint-config';

// Integration tests start a real server: only test files may import @parley/server (a devDependency);
// the library itself keeps the 'client' layer's boundaries.
const databaseDrivers = ['drizzle-orm', 'better-sqlite3', 'postgres'];
const stillForbidden = ['@parley/db', '@parley/core', ...databaseDrivers];

export default [
  ...configFor('client', import.meta.dirname),
  {
    files: ['src/**/*.test.ts', 'src/**/test-*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            ...stillForbidden.map((name) => ({
              group: [name, `${name}/*`],
              message: `docs/architecture.md: the client layer must not depend on ${name}.`,
            })),
            {
              group: ['@parley/api'],
              allowTypeImports: true,
              message: 'Only the router type may cross to the client: use "import type".',
            },
          ],
        },
      ],
    },
  },
];
