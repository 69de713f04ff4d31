// Builds what @parley/client publishes: dist/*.js bundled by esbuild (the workspace's @parley/protocol
// inlined, the registry dependencies left as imports) and dist/*.d.ts bundled by rollup-plugin-dts, with the
// server's router type reduced to what a client sees, so the package needs no other @parley/* package.
import { execFileSync } from 'node:child_process';
import process from 'node:process';
import { mkdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { rollup } from 'rollup';
import { dts } from 'rollup-plugin-dts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
/** @type {unknown} */
const parsedManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const manifest = /** @type {{ version: string, dependencies?: Record<string, string> }} */ (
  parsedManifest
);
const dist = join(root, 'dist');
const types = join(root, 'build', 'types');
const apiTypes = join(root, 'build', 'api');

/** What stays an import: the registry dependencies and Node's built-ins. */
const registryDependencies = Object.keys(manifest.dependencies ?? {});
/** @param {string} id */
const isExternal = (id) =>
  id.startsWith('node:') ||
  registryDependencies.some((name) => id === name || id.startsWith(`${name}/`));
for (const name of registryDependencies) {
  if (name.startsWith('@parley/')) throw new Error(`${name} must be bundled, not a dependency`);
}

rmSync(dist, { recursive: true, force: true });
rmSync(join(root, 'build'), { recursive: true, force: true });

// 1. JavaScript: one ES module per entry point, no source maps (the sources are not shipped).
/** @type {Array<{ in: string, platform: import('esbuild').Platform }>} */
const entries = [
  { in: 'src/index.ts', platform: 'neutral' },
  { in: 'src/node.ts', platform: 'node' },
  { in: 'src/cli.ts', platform: 'node' },
];
for (const entry of entries) {
  await build({
    entryPoints: [join(root, entry.in)],
    outdir: dist,
    bundle: true,
    format: 'esm',
    platform: entry.platform,
    mainFields: ['module', 'main'],
    target: 'es2022',
    external: registryDependencies.flatMap((name) => [name, `${name}/*`]),
    legalComments: 'none',
    define: { __PARLEY_CLIENT_VERSION__: JSON.stringify(manifest.version) },
    logLevel: 'warning',
  });
}
chmodSync(join(dist, 'cli.js'), 0o755);

// 2. Declarations of every module, then the router type without the server behind it.
execFileSync(
  process.execPath,
  [
    require.resolve('typescript/bin/tsc'),
    '-p',
    join(root, 'tsconfig.build.json'),
    '--emitDeclarationOnly',
    '--declarationMap',
    'false',
    '--outDir',
    types,
  ],
  { stdio: 'inherit' },
);

const apiDist = dirname(require.resolve('@parley/api'));
mkdirSync(apiTypes, { recursive: true });
/**
 * The router's declaration names its context (the server's services) and error data by module. The client
 * never sees the context: it becomes `object`. Any other module it names would break the published types.
 */
const allowedTypeImports = new Set([
  '@trpc/server',
  '@trpc/server/unstable-core-do-not-import',
  '@parley/protocol',
  './error-formatter.js',
]);
const router = readFileSync(join(apiDist, 'root.d.ts'), 'utf8')
  .replace(/^\/\/# sourceMappingURL=.*$/m, '')
  .replaceAll('import("./context.js").Context', 'object');
for (const [, specifier = ''] of router.matchAll(/import\("([^"]+)"\)/g)) {
  if (!allowedTypeImports.has(specifier)) {
    throw new Error(
      `AppRouter's declaration refers to ${specifier}: teach scripts/build.mjs about it`,
    );
  }
}
for (const [, specifier = ''] of router.matchAll(/^import .* from '([^']+)';$/gm)) {
  if (!allowedTypeImports.has(specifier)) {
    throw new Error(
      `AppRouter's declaration imports ${specifier}: teach scripts/build.mjs about it`,
    );
  }
}
writeFileSync(join(apiTypes, 'root.d.ts'), router);
writeFileSync(
  join(apiTypes, 'error-formatter.d.ts'),
  readFileSync(join(apiDist, 'error-formatter.d.ts'), 'utf8').replace(
    /^\/\/# sourceMappingURL=.*$/m,
    '',
  ),
);

// 3. One self-contained declaration file per entry point.
/** @type {Record<string, string>} */
const workspaceTypes = {
  '@parley/api': join(apiTypes, 'root.d.ts'),
  '@parley/protocol': join(dirname(require.resolve('@parley/protocol')), 'index.d.ts'),
};
for (const name of ['index', 'node']) {
  const bundle = await rollup({
    input: join(types, `${name}.d.ts`),
    external: isExternal,
    plugins: [
      {
        name: 'parley-workspace-types',
        /** @param {string} id */
        resolveId: (id) => workspaceTypes[id] ?? null,
      },
      dts({ respectExternal: true }),
    ],
    onwarn(warning) {
      throw new Error(`rollup: ${warning.message}`);
    },
  });
  await bundle.write({ file: join(dist, `${name}.d.ts`), format: 'es' });
  await bundle.close();
  const text = readFileSync(join(dist, `${name}.d.ts`), 'utf8');
  const leaked = text.match(/['"](@parley\/[^'"]+|\.\.?\/[^'"]+)['"]/);
  if (leaked) throw new Error(`dist/${name}.d.ts still refers to ${leaked[1]}`);
}
rmSync(join(root, 'build'), { recursive: true, force: true });
