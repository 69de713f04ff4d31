import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, seedConversation, startParley, type Parley } from './harness.js';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** Runs axe-core (WCAG 2 A/AA rules) on the page as it is; returns the violations, summarized. */
async function audit(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate<AxeViolation[]>(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }).then((r) => r.violations)`,
  );
  return violations.map(
    (v) =>
      `${v.id} (${v.impact ?? 'n/a'}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

/** Every main screen (and a message's menu, reply, edit and delete), light and dark, checked by axe-core in Chromium. */
describe('accessibility (axe-core, WCAG 2.1 A/AA)', () => {
  let parley: Parley;
  let browser: Browser;
  const suffix = randomBytes(3).toString('hex');
  const password = 'Correct-Horse-42';

  beforeAll(async () => {
    parley = await startParley();
    browser = await launchChromium();
    await seedConversation(
      parley.server.url,
      { sender: `peer_${suffix}`, reader: `me_${suffix}`, password },
      ['Hi there!', 'Lunch at noon?', 'See you then'],
    );
  });

  afterAll(async () => {
    await browser?.close();
    await parley?.dispose();
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`has no violations on the main screens (${colorScheme})`, async () => {
      // axe is injected as a script: this context only lifts the page CSP for the audit itself
      const context = await browser.newContext({
        bypassCSP: true,
        colorScheme,
        viewport: { width: 1100, height: 720 },
      });
      const page = await context.newPage();
      const found: Record<string, string[]> = {};
      await page.goto(`${parley.server.url}/#/login`);
      await page.getByRole('button', { name: 'Log in' }).waitFor();
      found.login = await audit(page);

      await page.goto(`${parley.server.url}/#/signup`);
      await page.getByLabel('Password', { exact: true }).fill('weak');
      found.signup = await audit(page);

      await page.goto(`${parley.server.url}/#/login`);
      await page.getByLabel('Username').fill(`me_${suffix}`);
      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.locator(`[data-conversation="peer_${suffix}"]`).click();
      await page.getByTestId('body').getByText('See you then').waitFor();
      await page.getByLabel('Message', { exact: true }).fill('On my way');
      await page.getByLabel('Message', { exact: true }).press('Enter');
      await page.locator('li[data-mine="true"]').last().waitFor();
      found.conversation = await audit(page);

      // a message's menu, replying, editing and the delete confirmation
      const bubble = (text: string) =>
        page
          .locator('li', { has: page.getByTestId('body').getByText(text, { exact: true }) })
          .getByTestId('bubble')
          .last();
      await bubble('Lunch at noon?').click({ button: 'right' });
      await page.getByRole('menu').waitFor();
      found.messageMenu = await audit(page);
      await page.getByRole('menuitem', { name: 'Reply' }).click();
      await page.getByTestId('replying-to').waitFor();
      found.replying = await audit(page);
      await page.getByRole('button', { name: 'Cancel reply' }).click();
      await bubble('On my way').click({ button: 'right' });
      await page.getByRole('menuitem', { name: 'Edit' }).click();
      await page.getByTestId('editing-banner').waitFor();
      found.editing = await audit(page);
      await page.getByLabel('Edit message').press('Escape');
      await bubble('On my way').click({ button: 'right' });
      await page.getByRole('menuitem', { name: 'Delete for everyone' }).click();
      await page.getByRole('dialog', { name: 'Delete for everyone?' }).waitFor();
      found.deleteDialog = await audit(page);
      await page.getByRole('button', { name: 'Cancel' }).click();

      await page.keyboard.press('Control+k');
      await page.getByRole('searchbox', { name: 'Search messages' }).fill('noon');
      await page.getByTestId('search-results').waitFor();
      found.search = await audit(page);
      await page.keyboard.press('Escape');

      await page.getByRole('button', { name: 'New chat' }).first().click();
      await page.getByRole('searchbox', { name: 'Search people by username' }).fill('peer');
      await page.locator(`[data-user="peer_${suffix}"]`).waitFor();
      found.newChat = await audit(page);
      await page.keyboard.press('Escape');

      await page.getByRole('button', { name: 'Settings' }).click();
      await page.getByRole('dialog', { name: 'Settings' }).waitFor();
      await page.getByRole('button', { name: 'Change password…' }).click();
      await page.getByLabel('New password', { exact: true }).fill('weak');
      found.settings = await audit(page);
      await context.close();

      expect(found).toEqual({
        login: [],
        signup: [],
        conversation: [],
        messageMenu: [],
        replying: [],
        editing: [],
        deleteDialog: [],
        search: [],
        newChat: [],
        settings: [],
      });
    });
  }
});
