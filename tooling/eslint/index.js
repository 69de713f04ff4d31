// Shared ESLint flat config. Each package's eslint.config.js is:
//   import { configFor } from '@parley/eslint-config';
//   export default configFor('core', import.meta.dirname);
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const serverPackages = ['@parley/db', '@parley/core', '@parley/api', '@parley/server'];
const databaseDrivers = ['drizzle-orm', 'drizzle-orm/*', 'better-sqlite3', 'postgres'];

/**
 * The dependency direction of docs/architecture.md:
 *   protocol ← db ← core ← api ← apps/server, and protocol ← client ← apps/desktop.
 * Each layer lists what it must not import; drizzle and the database drivers stay inside packages/db.
 */
const forbiddenImports = {
  protocol: [...serverPackages, '@parley/client', ...databaseDrivers],
  db: ['@parley/core', '@parley/api', '@parley/server', '@parley/client'],
  core: ['@parley/api', '@parley/server', '@parley/client', '@trpc/*', 'ws', ...databaseDrivers],
  api: ['@parley/server', '@parley/client', '@parley/db', ...databaseDrivers],
  server: ['@parley/client', ...databaseDrivers],
  client: ['@parley/db', '@parley/core', '@parley/server', ...databaseDrivers],
  desktop: ['@parley/db', '@parley/core', '@parley/server', '@parley/api', ...databaseDrivers],
  bench: ['@parley/db', '@parley/core', ...databaseDrivers],
};

/**
/**
 * Subpaths a layer may import although their package is forbidden to it. The bench creates (and
 * drops) a throw-away PostgreSQL database per server group with the helper the db package's tests
 * use; everything else of @parley/db stays out of reach.
 */
const allowedSubpaths = {
  bench: ['@parley/db/testing'],
};

/**
 * What a layer's test files (`*.test.ts`, `test/**`) may import on top: the client's integration tests start a
 * real server. Shipped code keeps the layer's boundaries (the published @parley/client never loads server code).
 */
const testsMayImport = {
  client: ['@parley/server', '@parley/api'],
};

/** @param {string} layer @param {string[]} forbidden @param {string[]} typeOnly */
function restrictedImports(layer, forbidden, typeOnly) {
  const allowed = allowedSubpaths[layer] ?? [];
  const message = (name) => `docs/architecture.md: the ${layer} layer must not depend on ${name}.`;
  // A pattern that matches the package itself also matches everything under it and cannot be
  // negated (gitignore rules): a package with an allowed subpath is forbidden by its exact name
  // (`paths`) and by `name/*` less the allowed subpaths.
  const withException = forbidden.filter((name) =>
    allowed.some((path) => path.startsWith(`${name}/`)),
  );
  return [
    'error',
    {
      paths: withException.map((name) => ({ name, message: message(name) })),
      patterns: [
        ...forbidden.map((name) =>
          withException.includes(name)
            ? {
                group: [
                  `${name}/*`,
                  ...allowed
                    .filter((path) => path.startsWith(`${name}/`))
                    .map((path) => `!${path}`),
                ],
                message: message(name),
              }
            : { group: [name, `${name}/*`], message: message(name) },
        ),
        ...typeOnly.map((name) => ({
          group: [name],
          allowTypeImports: true,
          message: `Only the router type may cross to the ${layer}: use "import type".`,
        })),
      ],
    },
  ];
}

/** @param {keyof typeof forbiddenImports} layer @param {string} tsconfigRootDir */
export function configFor(layer, tsconfigRootDir) {
  const forbidden = forbiddenImports[layer];
  // The client may see the router's *type*; nothing else crosses from server to client at runtime.
  const typeOnly = layer === 'client' || layer === 'desktop' ? ['@parley/api'] : [];
  const testExtras = testsMayImport[layer] ?? [];
  const testFiles = ['**/*.test.ts', '**/*.test.tsx', 'test/**'];
  return tseslint.config(
    {
      ignores: [
        'dist/**',
        'node_modules/**',
        'coverage/**',
        '**/*.config.*',
        'test-results/**',
        'docs-api/**',
        'build/**',
      ],
    },
    js.configs.recommended,
    ...tseslint.configs.recommendedTypeChecked,
    {
      languageOptions: {
        parserOptions: { projectService: true, tsconfigRootDir },
      },
      rules: {
        '@typescript-eslint/no-floating-promises': 'error',
        '@typescript-eslint/no-misused-promises': 'error',
        '@typescript-eslint/no-explicit-any': 'error',
        '@typescript-eslint/consistent-type-imports': 'error',
        '@typescript-eslint/no-unused-vars': [
          'error',
          { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
        ],
        '@typescript-eslint/no-restricted-imports': restrictedImports(layer, forbidden, typeOnly),
      },
    },
    {
      files: testFiles,
      rules: {
        ...(testExtras.length > 0 && {
          '@typescript-eslint/no-restricted-imports': restrictedImports(
            layer,
            forbidden.filter((name) => !testExtras.includes(name)),
            typeOnly.filter((name) => !testExtras.includes(name)),
          ),
        }),
        '@typescript-eslint/no-non-null-assertion': 'off',
        '@typescript-eslint/no-unsafe-assignment': 'off',
        '@typescript-eslint/no-unsafe-member-access': 'off',
      },
    },
    prettier,
  );
}
