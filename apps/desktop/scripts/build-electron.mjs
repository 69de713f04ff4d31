// Bundles the Electron main process and preload into dist/electron (CommonJS: a sandboxed preload
// cannot be an ES module). Everything but `electron` is bundled, so the packaged app needs no
// node_modules.
import { build } from 'esbuild';

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  external: ['electron'],
  sourcemap: true,
  logLevel: 'warning',
};

await Promise.all([
  build({ ...common, entryPoints: ['src/main/main.ts'], outfile: 'dist/electron/main.cjs' }),
  build({
    ...common,
    entryPoints: ['src/preload/preload.ts'],
    outfile: 'dist/electron/preload.cjs',
  }),
]);
