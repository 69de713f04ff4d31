import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppProtocolHandler } from '../../src/main/app-protocol.js';
import { contentSecurityPolicy } from '../../src/main/content-security-policy.js';
import { launchChromium, screenshots, startParley, webRoot } from './harness.js';

/**
 * The renderer under the desktop shell's own CSP (stricter than the server's: no inline styles,
 * connect-src only the chosen server), served by the real app:// handler behind a local HTTP
 * front, in Chromium. Proves the policy does not break the app and that nothing violates it.
 */
describe('renderer under the desktop CSP', () => {
  let front: Server;
  let frontUrl: string;
  let parley: Awaited<ReturnType<typeof startParley>>;
  let browser: Browser;

  beforeAll(async () => {
    let serverUrl = '';
    const handler = createAppProtocolHandler(webRoot, () => contentSecurityPolicy(serverUrl));
    front = createServer((req, res) => {
      void (async () => {
        const response = await handler(new Request(`app://parley${req.url ?? '/'}`));
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
      })();
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
    parley = await startParley({ allowedOrigins: [frontUrl] });
    serverUrl = parley.server.url;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await parley?.dispose();
    await new Promise((resolve) => front?.close(resolve));
  });

  it('signs up and goes live over HTTP and WebSocket with no CSP violation', async () => {
    const page = await browser.newPage();
    // Stand in for the preload bridge, as the Electron shell would expose it (storage kept here in
    // localStorage; the real one is the main-process vault).
    await page.addInitScript(`
      window.__violations = [];
      document.addEventListener('securitypolicyviolation', (event) => {
        window.__violations.push(event.violatedDirective + ' ' + event.blockedURI);
      });
      const settings = { serverUrl: ${JSON.stringify(parley.server.url)}, notifications: true };
      window.parleyDesktop = {
        platform: 'desktop',
        storage: {
          getItem: async (key) => localStorage.getItem(key),
          setItem: async (key, value) => localStorage.setItem(key, value),
          removeItem: async (key) => localStorage.removeItem(key),
        },
        getSettings: async () => settings,
        setServerUrl: async (url) => ({ ...settings, serverUrl: url }),
        setNotifications: async (enabled) => ({ ...settings, notifications: enabled }),
        setUnreadCount: async (count) => { window.__unread = count; },
        notify: async () => {},
        openExternal: async () => {},
        onOpenConversation: () => () => {},
      };
    `);
    const response = await page.goto(`${frontUrl}/`);
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain(`connect-src 'self' ${parley.server.url}`);
    expect(csp).not.toContain('unsafe-inline');

    // the desktop login screen names the server and lets the user pick another
    expect(await page.getByTestId('server').textContent()).toContain(parley.server.url);
    await page.getByTestId('server').getByRole('button', { name: 'Change' }).click();
    expect(await page.getByLabel('Server address').inputValue()).toBe(parley.server.url);
    await screenshots(page, '00-desktop-server-setup');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();

    await page.getByRole('link', { name: 'Create an account' }).click();
    const name = `csp_${randomBytes(3).toString('hex')}`;
    await page.getByLabel('Username').fill(name);
    await page.getByLabel('Password', { exact: true }).fill('Correct-Horse-42');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByTestId('me').waitFor({ timeout: 10_000 });
    // online: the WebSocket (connect-src ws://server) is up, so no connection banner
    await expect.poll(() => page.locator('[data-connection]').count(), { timeout: 10_000 }).toBe(0);
    const background = await page.evaluate(
      `getComputedStyle(document.querySelector('aside')).backgroundColor`,
    );
    expect(background).not.toBe('rgba(0, 0, 0, 0)');
    expect(await page.evaluate('window.__violations')).toEqual([]);
  });
});
