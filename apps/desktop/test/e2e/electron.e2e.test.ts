import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createParleyClient } from '@parley/client';
import { _electron as electron } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { appRoot, startParley, statusOf } from './harness.js';

/**
 * The installed Electron binary, or null. Reads electron's path.txt instead of requiring the
 * package: `require('electron')` tries to download a missing binary, which must not happen here.
 */
function electronBinary(): string | null {
  try {
    const packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    const relative = readFileSync(join(packageDir, 'path.txt'), 'utf8').trim();
    const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(packageDir, 'dist');
    const path = join(distDir, relative);
    return existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
if (!binary && process.env.PARLEY_REQUIRE_ELECTRON === '1') {
  // CI's electron job installs the binary on purpose: a missing one there is a failure, not a skip.
  throw new Error(
    'PARLEY_REQUIRE_ELECTRON=1 but the Electron binary is not installed: run `node node_modules/electron/install.js`.',
  );
}
if (!binary) {
  console.warn(
    '[electron e2e] SKIPPED: the Electron binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD / allowScripts). ' +
      'Run `node node_modules/electron/install.js` where GitHub is reachable, then `npm run test:electron`.',
  );
}

describe.skipIf(!binary)('the Electron app', () => {
  let parley: Awaited<ReturnType<typeof startParley>>;
  let userData: string;

  beforeAll(async () => {
    parley = await startParley();
    userData = await mkdtemp(join(tmpdir(), 'parley-electron-profile-'));
  });
  afterAll(async () => {
    await parley?.dispose();
    await rm(userData, { recursive: true, force: true });
  });

  it('asks for the server, signs up and sends a message that gets delivered', async () => {
    const suffix = randomBytes(3).toString('hex');
    const peerName = `peer_${suffix}`;
    const password = 'Correct-Horse-42';
    const peer = createParleyClient({ url: parley.server.url, WebSocket });
    await peer.register(peerName, password);
    const received: string[] = [];
    peer.onEvent((event) => {
      if (event.type === 'message') received.push(event.message.body);
    });

    const app = await electron.launch({
      executablePath: binary ?? undefined,
      args: [appRoot, '--no-sandbox'],
      env: { ...process.env, PARLEY_USER_DATA: userData },
    });
    try {
      const window = await app.firstWindow();
      expect(window.url()).toMatch(/^app:\/\/parley\//);
      // the renderer has the bridge and nothing of Node
      expect(await window.evaluate('typeof window.parleyDesktop.storage.getItem')).toBe('function');
      expect(await window.evaluate('typeof require')).toBe('undefined');
      expect(await window.evaluate('typeof process')).toBe('undefined');

      await window.getByLabel('Server address').fill(parley.server.url);
      await window.getByRole('button', { name: 'Continue' }).click();
      await window.getByRole('link', { name: 'Create an account' }).click();
      await window.getByLabel('Username').fill(`desk_${suffix}`);
      await window.getByLabel('Password', { exact: true }).fill(password);
      await window.getByRole('button', { name: 'Sign up' }).click();
      await window.getByTestId('me').waitFor();

      await window.getByRole('button', { name: 'New chat' }).first().click();
      await window.getByRole('searchbox', { name: 'Search people by username' }).fill(peerName);
      await window.locator(`[data-user="${peerName}"]`).click();
      await window.getByLabel('Message', { exact: true }).fill('Hello from the desktop');
      await window.getByLabel('Message', { exact: true }).press('Enter');
      await expect
        .poll(() => statusOf(window, 'Hello from the desktop'), { timeout: 15_000 })
        .toBe('delivered');
      expect(received).toContain('Hello from the desktop');

      // window.open and navigation away are refused
      await window.evaluate("window.open('https://example.com/')");
      expect(app.windows()).toHaveLength(1);
    } finally {
      await app.close();
      peer.close();
    }
  });
});
