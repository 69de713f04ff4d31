import { randomBytes } from 'node:crypto';
import { createParleyClient } from '@parley/client';
import type { Browser } from 'playwright-core';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, seedConversation, startParley, type Parley } from './harness.js';

/** A long conversation, made through the API, read in the browser by scrolling up. */
describe('history loads as you scroll up', () => {
  let parley: Parley;
  let browser: Browser;
  const suffix = randomBytes(3).toString('hex');
  const password = 'Correct-Horse-42';
  const total = 120;

  beforeAll(async () => {
    parley = await startParley();
    browser = await launchChromium();
    await seedConversation(
      parley.server.url,
      { sender: `writer_${suffix}`, reader: `reader_${suffix}`, password },
      Array.from({ length: total }, (_, i) => `line ${i + 1}`),
    );
    // read already (elsewhere): the conversation opens at the newest message, not at "New messages"
    const reader = createParleyClient({ url: parley.server.url, WebSocket });
    await reader.login(`reader_${suffix}`, password);
    const [conversation] = await reader.api.conversations.list.query();
    await reader.api.conversations.markRead.mutate({
      conversationId: conversation!.id,
      upToMessageId: conversation!.lastMessage!.id,
    });
    reader.close();
  });

  afterAll(async () => {
    await browser?.close();
    await parley?.dispose();
  });

  it('shows the newest page first and the rest, in order, as the user scrolls to the top', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    await page.goto(`${parley.server.url}/#/login`);
    await page.getByLabel('Username').fill(`reader_${suffix}`);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator(`[data-conversation="writer_${suffix}"]`).click();
    const bodies = () => page.getByTestId('messages').getByTestId('body').allTextContents();
    await expect.poll(async () => (await bodies()).length, { timeout: 10_000 }).toBe(50);
    expect((await bodies()).at(-1)).toBe(`line ${total}`);

    const scroller = page.getByTestId('message-scroller');
    // the newest message is in view at first
    expect(
      await page.getByTestId('messages').getByText(`line ${total}`, { exact: true }).isVisible(),
    ).toBe(true);
    for (const expected of [100, 120]) {
      // the mouse wheel, as a person scrolls
      await scroller.hover();
      await page.mouse.wheel(0, -20_000);
      await expect.poll(async () => (await bodies()).length, { timeout: 10_000 }).toBe(expected);
      // the older page went in above what the user was reading: the view did not jump to its top
      const scrollTop = await page.evaluate<number>(
        `document.querySelector('[data-testid=message-scroller]').scrollTop`,
      );
      expect(scrollTop).toBeGreaterThan(500);
    }
    expect(await bodies()).toEqual(Array.from({ length: total }, (_, i) => `line ${i + 1}`));
    expect(await page.getByRole('button', { name: 'Load earlier messages' }).count()).toBe(0);
  });
});
