import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createParleyClient } from '@parley/client';
import { chromium, type Browser, type Page } from 'playwright-core';
import WebSocket from 'ws';
// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- the end-to-end test runs the real server; app code never imports it
import { startServer, type RunningServer } from '@parley/server';

export const appRoot = fileURLToPath(new URL('../../', import.meta.url));
export const webRoot = join(appRoot, 'dist', 'web');
export const resultsDir = join(appRoot, 'test-results');
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A real Parley server on a free port, a fresh SQLite file, serving this app's web build. */
export interface Parley {
  server: RunningServer;
  /** Stops the server (clients see the connection drop); the data stays. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data (nothing to do while it runs). */
  start(): Promise<void>;
  dispose(): Promise<void>;
}

export async function startParley(options: { allowedOrigins?: string[] } = {}): Promise<Parley> {
  if (!existsSync(join(webRoot, 'index.html')))
    throw new Error(`No web build at ${webRoot}: run npm run build first`);
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-desktop-e2e-'));
  const boot = (port: number): Promise<RunningServer> =>
    startServer({
      port,
      host: '127.0.0.1',
      dataDir,
      bcryptCost: 4,
      logLevel: 'silent',
      signupsPerIpPerHour: 1_000_000,
      loginMaxFailures: 1000,
      webRoot,
      ...(options.allowedOrigins ? { allowedOrigins: options.allowedOrigins } : {}),
    });
  let running: RunningServer | null = await boot(0);
  const parley: Parley = {
    server: running,
    stop: async () => {
      await running?.close();
      running = null;
    },
    start: async () => {
      running ??= await boot(parley.server.port);
    },
    dispose: async () => {
      await running?.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return parley;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}

/**
 * Signs `sender` and `reader` up through the API and has the sender send `bodies` to the reader, one
 * after another: a conversation for the browser to show.
 */
export async function seedConversation(
  url: string,
  people: { sender: string; reader: string; password: string },
  bodies: string[],
): Promise<void> {
  const sender = createParleyClient({ url, WebSocket });
  const reader = createParleyClient({ url, WebSocket });
  try {
    await sender.register(people.sender, people.password);
    const readerUser = await reader.register(people.reader, people.password);
    reader.close();
    const conversation = await sender.api.conversations.open.mutate({ userId: readerUser.id });
    for (const body of bodies)
      await sender.api.messages.send.mutate({
        conversationId: conversation.id,
        clientId: randomUUID(),
        body,
      });
  } finally {
    sender.close();
    reader.close();
  }
}

/** Saves `<name>-light.png` and `<name>-dark.png` (the app follows the system color scheme). */
export async function screenshots(page: Page, name: string): Promise<void> {
  await mkdir(resultsDir, { recursive: true });
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.waitForTimeout(50);
    await page.screenshot({ path: join(resultsDir, `${name}-${colorScheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

export async function signUp(
  page: Page,
  baseUrl: string,
  username: string,
  password: string,
): Promise<void> {
  await page.goto(`${baseUrl}/#/signup`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByTestId('me').waitFor();
}

/** The delivery state shown on our message with this body. */
export function statusOf(page: Page, body: string) {
  return page
    .locator('li[data-mine="true"]', {
      has: page.getByTestId('body').getByText(body, { exact: true }),
    })
    .locator('[data-status]')
    .getAttribute('data-status');
}

/**
 * Records every status our messages go through, from before they are sent. (Runs in the page; kept
 * as source text because this program is typed for Node, not the DOM.)
 */
export async function recordStatuses(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    const seen = [];
    window.__statuses = seen;
    const record = () => {
      for (const element of document.querySelectorAll('li[data-mine="true"] [data-status]')) {
        const body = element.closest('li')?.querySelector('[data-testid="body"]')?.textContent ?? '';
        const entry = body + ':' + element.getAttribute('data-status');
        if (!seen.includes(entry)) seen.push(entry);
      }
    };
    new MutationObserver(record).observe(document.body, {
      subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'],
    });
  })()`);
}

export function recordedStatuses(page: Page): Promise<string[]> {
  return page.evaluate<string[]>('window.__statuses');
}

export async function logIn(
  page: Page,
  baseUrl: string,
  username: string,
  password: string,
): Promise<void> {
  await page.goto(`${baseUrl}/#/login`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByTestId('me').waitFor();
}

/** How the page itself sits in the window: it never scrolls, and is exactly the window's height. */
export function pageGeometry(
  page: Page,
): Promise<{ scrollTop: number; documentHeight: number; viewportHeight: number }> {
  return page.evaluate(`({
    scrollTop: document.scrollingElement.scrollTop,
    documentHeight: document.scrollingElement.scrollHeight,
    viewportHeight: window.innerHeight,
  })`);
}
