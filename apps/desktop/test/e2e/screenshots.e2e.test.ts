import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  appRoot,
  launchChromium,
  logIn,
  seedConversation,
  startParley,
  type Parley,
} from './harness.js';

/**
 * The README's pictures: each main screen, light and dark, in a narrow (400 px) and a wide (1600 px)
 * window, written to docs/screenshots/. Runs only when asked:
 * `PARLEY_SCREENSHOTS=1 npx vitest run --project e2e test/e2e/screenshots.e2e.test.ts`.
 */
const outDir = join(appRoot, '..', '..', 'docs', 'screenshots');

describe.runIf(process.env.PARLEY_SCREENSHOTS === '1')('screenshots for the README', () => {
  let parley: Parley;
  let browser: Browser;
  const suffix = randomBytes(2).toString('hex');
  const password = 'Correct-Horse-42';
  const me = `sam_${suffix}`;
  const peer = `robin_${suffix}`;
  let replied = false;

  beforeAll(async () => {
    await mkdir(outDir, { recursive: true });
    parley = await startParley();
    browser = await launchChromium();
    await seedConversation(parley.server.url, { sender: peer, reader: me, password }, [
      'Hi Sam! Are we still on for Saturday?',
      'The trail notes are here: https://example.org/trails/ridge-loop',
      'I can bring the stove and the map.',
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await parley?.dispose();
  });

  for (const width of [400, 1600]) {
    for (const colorScheme of ['light', 'dark'] as const) {
      it(`${width} px, ${colorScheme}`, async () => {
        const context = await browser.newContext({
          viewport: { width, height: 800 },
          colorScheme,
          deviceScaleFactor: 1,
        });
        const page = await context.newPage();
        const shot = (name: string): Promise<Buffer> =>
          page.screenshot({ path: join(outDir, `${name}-${width}-${colorScheme}.png`) });

        await page.goto(`${parley.server.url}/#/login`);
        await page.getByRole('button', { name: 'Log in' }).waitFor();
        await shot('login');

        await logIn(page, parley.server.url, me, password);
        await page.locator(`[data-conversation="${peer}"]`).waitFor();
        if (width < 768) await shot('conversations');
        await page.locator(`[data-conversation="${peer}"]`).click();
        await page.getByTestId('body').getByText('stove').waitFor();
        if (!replied)
          await reply(
            page,
            'I can bring the stove and the map.',
            'Yes! Leaving at 8. I’ll bring lunch.',
          );
        replied = true;
        await page.getByLabel('Message', { exact: true }).blur();
        await shot('chat');

        if (width < 768) await page.getByRole('button', { name: 'Back to conversations' }).click();
        await page.getByRole('button', { name: 'Settings' }).click();
        await page.getByTestId('sessions').waitFor();
        await shot('settings');
        await context.close();
      });
    }
  }
});

/** Replies to the message `to` through its menu, so the picture shows a quote. */
async function reply(page: Page, to: string, text: string): Promise<void> {
  await page
    .locator('li', { has: page.getByTestId('body').getByText(to, { exact: true }) })
    .getByTestId('bubble')
    .click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Reply' }).click();
  const composer = page.getByLabel('Message', { exact: true });
  await composer.fill(text);
  await composer.press('Enter');
  await page
    .locator(
      'li[data-mine="true"] [data-status="delivered"], li[data-mine="true"] [data-status="pending"]',
    )
    .last()
    .waitFor({ timeout: 10_000 });
  await composer.blur();
}
