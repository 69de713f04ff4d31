import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import solid from 'vite-plugin-solid';
import { defineConfig } from 'vite';
import { precompressPlugin } from './scripts/precompress-plugin.js';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/**
 * One renderer, two shells. The web build lands in dist/web (index.html at its root) and uses
 * relative asset URLs, so the same files work when the server serves them at `/` and when Electron
 * loads them from app://parley/.
 */
export default defineConfig({
  root: here('./src/renderer'),
  base: './',
  plugins: [solid(), tailwindcss(), precompressPlugin()],
  build: {
    outDir: here('./dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
  server: { port: 5173, strictPort: false },
});
