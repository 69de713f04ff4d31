import { fileURLToPath } from 'node:url';
import solid from 'vite-plugin-solid';
import { defineConfig } from 'vitest/config';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  test: {
    projects: [
      {
        // Electron main-process and preload logic, with the `electron` module replaced by fakes.
        test: {
          name: 'main',
          environment: 'node',
          include: [
            'src/main/**/*.test.ts',
            'src/preload/**/*.test.ts',
            'src/shared/**/*.test.ts',
            'scripts/**/*.test.ts',
          ],
        },
      },
      {
        // Stores and components of the SolidJS renderer, in a simulated DOM.
        plugins: [solid()],
        root: here('./'),
        test: {
          name: 'renderer',
          environment: 'happy-dom',
          include: ['src/renderer/**/*.test.{ts,tsx}'],
        },
      },
      {
        // The whole system: a real server, real Chromium (and Electron where its binary exists).
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/*.e2e.test.ts'],
          exclude: ['test/e2e/electron.e2e.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        // The packaged shell: the real Electron binary driven by Playwright. Skips (with a notice)
        // where the binary is not installed; CI installs it in its own job.
        test: {
          name: 'electron',
          environment: 'node',
          include: ['test/e2e/electron.e2e.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
