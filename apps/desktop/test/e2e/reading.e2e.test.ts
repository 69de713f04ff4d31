import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchChromium,
  logIn,
  pageGeometry,
  seedConversation,
  startParley,
  type Parley,
} from './harness.js';

/**
 * Reading a long conversation: the page never leaves the window, it opens at what is new, a button
 * brings the latest back, and the text is laid out as people write it.
 */
describe('reading a long conversation', () => {
  let parley: Parley;
  let browser: Browser;
  let page: Page;
  const suffix = randomBytes(3).toString('hex');
  const password = 'Correct-Horse-42';
  const writer = `writer_${suffix}`;
  const reader = `reader_${suffix}`;
  const total = 130;

  beforeAll(async () => {
    parley = await startParley();
    browser = await launchChromium();
    await seedConversation(parley.server.url, { sender: writer, reader, password }, [
      ...Array.from({ length: total - 3 }, (_, i) => `line ${i + 1}`),
      'line 128: see https://example.org/docs?x=1 and javascript:alert(1)',
      'مرحبا، كيف حالك؟ (line 129)',
      `line 130 ${'long '.repeat(120)}`,
    ]);
    page = await browser.newPage({ viewport: { width: 1600, height: 800 } });
    await logIn(page, parley.server.url, reader, password);
  });

  afterAll(async () => {
    await browser?.close();
    await parley?.dispose();
  });

  const bodies = () => page.getByTestId('messages').getByTestId('body');
  const scrollerState = () =>
    page.evaluate<{ top: number; height: number; client: number }>(`(() => {
      const s = document.querySelector('[data-testid=message-scroller]');
      return { top: s.scrollTop, height: s.scrollHeight, client: s.clientHeight };
    })()`);

  it('opens 130 unread messages at the first of them, under a "New messages" divider', async () => {
    const row = page.locator(`[data-conversation="${writer}"]`);
    expect(await row.getByTestId('unread-badge').textContent()).toContain(String(total));
    await row.click();
    const divider = page.getByTestId('new-messages-divider');
    await divider.waitFor({ timeout: 10_000 });
    // every unread message was loaded, and the divider sits right above the first one
    expect(await bodies().count()).toBe(total);
    const first = page.locator('li', { has: divider });
    expect(await first.getByTestId('body').textContent()).toBe('line 1');
    expect(await divider.isVisible()).toBe(true);
    const box = (await divider.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y).toBeLessThan(400);
    // not at the bottom, past everything new
    const newest = (await bodies().filter({ hasText: 'line 130' }).boundingBox())!;
    expect(newest.y).toBeGreaterThan(800);
    const jump = page.getByTestId('jump-to-latest');
    expect(await jump.textContent()).toContain(`${total} new`);
  });

  it('the page never moves: wheel-scrolling the list keeps the app in the window, composer in view', async () => {
    const scroller = page.getByTestId('message-scroller');
    await scroller.hover();
    for (let i = 0; i < 6; i++) await page.mouse.wheel(0, 1_500);
    await page.waitForTimeout(300);
    for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -2_000);
    await page.waitForTimeout(300);
    const geometry = await pageGeometry(page);
    expect(geometry.scrollTop).toBe(0);
    expect(geometry.documentHeight).toBe(geometry.viewportHeight);
    const composer = (await page.getByLabel('Message', { exact: true }).boundingBox())!;
    expect(composer.y + composer.height).toBeLessThanOrEqual(800);
    expect(composer.y).toBeGreaterThan(600);
  });

  it('counts what arrives while scrolled up, and jumps to the latest', async () => {
    const jump = page.getByTestId('jump-to-latest');
    await page.getByTestId('message-scroller').hover();
    await page.mouse.wheel(0, -3_000);
    await jump.waitFor();
    const before = Number((await jump.textContent())?.match(/(\d+) new/)?.[1] ?? 0);
    await seedMore(['one more while you were reading']);
    await expect
      .poll(async () => Number((await jump.textContent())?.match(/(\d+) new/)?.[1] ?? 0), {
        timeout: 10_000,
      })
      .toBe(before + 1);
    await jump.click();
    await expect.poll(() => jump.count()).toBe(0);
    const state = await scrollerState();
    expect(state.height - state.top - state.client).toBeLessThan(5);
    expect(await bodies().filter({ hasText: 'one more while you were reading' }).isVisible()).toBe(
      true,
    );
  });

  it('lays text out as written: links are safe, right-to-left runs right to left, lines stay readable', async () => {
    const link = page.getByRole('link', { name: 'https://example.org/docs?x=1' });
    expect(await link.getAttribute('href')).toBe('https://example.org/docs?x=1');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);

    const arabic = bodies().filter({ hasText: 'مرحبا' });
    expect(await arabic.getAttribute('dir')).toBe('auto');
    expect(
      await page.evaluate(
        `getComputedStyle([...document.querySelectorAll('[data-testid=body]')].find((e) => e.textContent.includes('مرحبا'))).direction`,
      ),
    ).toBe('rtl');

    // on a 1600 px window a long message wraps at a readable width, not across the whole list
    const bubble = (await bodies().filter({ hasText: 'line 130' }).boundingBox())!;
    expect(bubble.height).toBeGreaterThan(60); // it wrapped
    expect(bubble.width).toBeLessThan(800);
    // one-to-one: no name above the peer's messages
    expect(await page.getByTestId('sender').count()).toBe(0);
  });

  it('a tall draft shrinks the list but keeps the newest message in view', async () => {
    const composer = page.getByLabel('Message', { exact: true });
    await composer.click();
    const newest = bodies().filter({ hasText: 'one more while you were reading' });
    expect(await newest.isVisible()).toBe(true);
    for (let i = 0; i < 8; i++) await composer.press('Shift+Enter');
    await page.waitForTimeout(200);
    const box = (await newest.boundingBox())!;
    const composerBox = (await composer.boundingBox())!;
    expect(composerBox.height).toBeGreaterThan(100);
    expect(box.y + box.height).toBeLessThanOrEqual(composerBox.y);
    await composer.fill('');
    // Enter on an empty box: nothing is sent and nothing turns red
    await composer.press('Enter');
    expect(await page.locator('#composer-error').textContent()).toBe('');
  });

  it('the message list scrolls with the keyboard', async () => {
    const scroller = page.getByRole('region', { name: `Message history with ${writer}` });
    await scroller.focus();
    const before = (await scrollerState()).top;
    await page.keyboard.press('PageUp');
    await page.keyboard.press('PageUp');
    await expect.poll(async () => (await scrollerState()).top).toBeLessThan(before - 200);
  });

  it('jumping to a search result does not shift the page; search loads past the first 30', async () => {
    await page.keyboard.press('Control+k');
    await page.getByRole('searchbox', { name: 'Search messages' }).fill('line');
    const results = page.getByTestId('search-results').getByRole('button');
    await expect.poll(() => results.count(), { timeout: 10_000 }).toBe(30);
    await page.getByRole('button', { name: 'Load more results' }).click();
    await expect.poll(() => results.count(), { timeout: 10_000 }).toBe(60);
    await results.nth(55).click();
    await expect.poll(() => page.locator('li.flash-target').count()).toBe(1);
    await page.waitForTimeout(300);
    const geometry = await pageGeometry(page);
    expect(geometry.scrollTop).toBe(0);
    expect(geometry.documentHeight).toBe(geometry.viewportHeight);
    expect(await page.locator('li.flash-target').isVisible()).toBe(true);
  });

  it('switching from log in to sign up puts the cursor in the username field', async () => {
    const other = await browser.newPage();
    await other.goto(`${parley.server.url}/#/login`);
    await other.getByRole('link', { name: 'Create an account' }).click();
    await other.getByRole('button', { name: 'Sign up' }).waitFor();
    expect(await other.evaluate('document.activeElement?.id')).toBe('username');
    await other.close();
  });

  async function seedMore(extra: string[]): Promise<void> {
    const { createParleyClient } = await import('@parley/client');
    const { default: WebSocket } = await import('ws');
    const { randomUUID } = await import('node:crypto');
    const sender = createParleyClient({ url: parley.server.url, WebSocket });
    try {
      await sender.login(writer, password);
      const [conversation] = await sender.api.conversations.list.query();
      for (const body of extra)
        await sender.api.messages.send.mutate({
          conversationId: conversation!.id,
          clientId: randomUUID(),
          body,
        });
    } finally {
      sender.close();
    }
  }
});
