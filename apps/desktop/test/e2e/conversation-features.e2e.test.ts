import { randomBytes, randomUUID } from 'node:crypto';
import { createParleyClient, type ParleyClient } from '@parley/client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchChromium,
  logIn,
  screenshots,
  startParley,
  statusOf,
  type Parley,
} from './harness.js';

/**
 * Read receipts, typing, edit, delete and replies between two people, each in their own browser
 * context against a real server: what one does shows on the other's screen.
 */
describe('conversation features end to end', () => {
  let parley: Parley;
  let browser: Browser;
  let aliceContext: BrowserContext;
  let bobContext: BrowserContext;
  let alice: Page;
  let bob: Page;
  let aliceApi: ParleyClient;
  let conversationId: string;
  const suffix = randomBytes(3).toString('hex');
  const aliceName = `alice_${suffix}`;
  const bobName = `bob_${suffix}`;
  const password = 'Correct-Horse-42';
  /** Alice's early messages: the first page of history (50) does not reach the oldest. */
  const early = Array.from({ length: 70 }, (_, i) => `early ${i + 1}`);

  beforeAll(async () => {
    parley = await startParley();
    browser = await launchChromium();
    const url = parley.server.url;
    aliceApi = createParleyClient({ url, WebSocket });
    const bobApi = createParleyClient({ url, WebSocket });
    await aliceApi.register(aliceName, password);
    const bobUser = await bobApi.register(bobName, password);
    bobApi.close(); // Bob is online only in his browser
    conversationId = (await aliceApi.api.conversations.open.mutate({ userId: bobUser.id })).id;
    for (const body of early)
      await aliceApi.api.messages.send.mutate({ conversationId, clientId: randomUUID(), body });
    aliceContext = await browser.newContext({ viewport: { width: 1100, height: 760 } });
    bobContext = await browser.newContext({ viewport: { width: 1100, height: 760 } });
    alice = await aliceContext.newPage();
    bob = await bobContext.newPage();
    await logIn(alice, url, aliceName, password);
    await logIn(bob, url, bobName, password);
  });

  afterAll(async () => {
    aliceApi?.close();
    await browser?.close();
    await parley?.dispose();
  });

  const open = async (page: Page, peer: string): Promise<void> => {
    await page.locator(`[data-conversation="${peer}"]`).click();
    await page.getByLabel('Message', { exact: true }).waitFor();
  };
  const closeChat = async (page: Page): Promise<void> => {
    await page.goto(`${parley.server.url}/#/chats`);
    await page.getByTestId('conversation-list').waitFor();
  };
  const bubble = (page: Page, text: string) =>
    page.locator('li', { has: page.getByTestId('body').getByText(text, { exact: true }) });
  const send = async (page: Page, text: string): Promise<void> => {
    const composer = page.getByLabel('Message', { exact: true });
    await composer.fill(text);
    await composer.press('Enter');
    await bubble(page, text).locator('[data-status]').waitFor();
  };
  const menu = async (page: Page, text: string, item: string): Promise<void> => {
    await bubble(page, text).getByTestId('bubble').click({ button: 'right' });
    await page.getByRole('menuitem', { name: item }).click();
  };

  it('A sees "bob is typing…" while B types, and it goes away when B stops', async () => {
    await open(alice, bobName);
    await open(bob, aliceName);
    const header = alice.getByTestId('peer-status');
    const listRow = alice.locator(`[data-conversation="${bobName}"]`).getByTestId('typing');
    const composer = bob.getByLabel('Message', { exact: true });
    await composer.pressSequentially('Are we still on', { delay: 40 });
    await expect.poll(() => header.textContent(), { timeout: 5_000 }).toBe(`${bobName} is typing…`);
    expect(await listRow.textContent()).toBe(`${bobName} is typing…`);
    await screenshots(alice, '20-typing');
    await composer.fill('');
    await expect.poll(() => header.textContent(), { timeout: 5_000 }).toBe('Online');
    expect(await listRow.count()).toBe(0);
    // a sent message ends it too
    await composer.pressSequentially('Are we still on for Saturday?', { delay: 20 });
    await expect.poll(() => header.textContent(), { timeout: 5_000 }).toBe(`${bobName} is typing…`);
    await composer.press('Enter');
    await expect.poll(() => header.textContent(), { timeout: 5_000 }).toBe('Online');
    await bubble(alice, 'Are we still on for Saturday?').waitFor();
  });

  it('A’s tick turns "read" when B opens the chat, and stays "delivered" once B turned receipts off', async () => {
    await closeChat(bob);
    await send(alice, 'Yes, leaving at 8');
    await expect
      .poll(() => statusOf(alice, 'Yes, leaving at 8'), { timeout: 10_000 })
      .toBe('delivered');
    await alice.waitForTimeout(500);
    expect(await statusOf(alice, 'Yes, leaving at 8')).toBe('delivered');
    await open(bob, aliceName);
    await expect.poll(() => statusOf(alice, 'Yes, leaving at 8'), { timeout: 10_000 }).toBe('read');
    expect(
      await bubble(alice, 'Yes, leaving at 8')
        .locator('[data-status] [aria-label]')
        .getAttribute('aria-label'),
    ).toBe('Read');

    await bob.getByRole('button', { name: 'Settings' }).click();
    const receipts = bob.getByRole('checkbox', { name: /Send read receipts/ });
    const saved = bob.waitForResponse((response) =>
      response.url().includes('account.updateSettings'),
    );
    await receipts.uncheck();
    expect((await saved).ok()).toBe(true);
    await bob.keyboard.press('Escape');
    await closeChat(bob);
    await send(alice, 'Bring the map please');
    await expect
      .poll(() => statusOf(alice, 'Bring the map please'), { timeout: 10_000 })
      .toBe('delivered');
    await open(bob, aliceName);
    await bubble(bob, 'Bring the map please').waitFor();
    await alice.waitForTimeout(2_000);
    expect(await statusOf(alice, 'Bring the map please')).toBe('delivered');
    // reciprocal: B sees no read ticks either
    await send(bob, 'ok');
    await expect.poll(() => statusOf(bob, 'ok'), { timeout: 10_000 }).toBe('delivered');
    await alice.waitForTimeout(1_500);
    expect(await statusOf(bob, 'ok')).toBe('delivered');
  });

  it('an edit and a delete show on both screens', async () => {
    await send(alice, 'Meet at the north gate');
    await bubble(bob, 'Meet at the north gate').waitFor({ timeout: 10_000 });
    await menu(alice, 'Meet at the north gate', 'Edit');
    const editor = alice.getByLabel('Edit message');
    await expect.poll(() => editor.inputValue()).toBe('Meet at the north gate');
    await editor.fill('Meet at the south gate');
    await editor.press('Enter');
    for (const page of [alice, bob]) {
      const edited = bubble(page, 'Meet at the south gate');
      await edited.waitFor({ timeout: 5_000 });
      expect(await edited.getByTestId('edited').textContent()).toBe('edited');
      expect(await bubble(page, 'Meet at the north gate').count()).toBe(0);
    }

    await send(alice, 'wrong chat, sorry');
    await bubble(bob, 'wrong chat, sorry').waitFor({ timeout: 10_000 });
    await menu(alice, 'wrong chat, sorry', 'Delete for everyone');
    const dialog = alice.getByRole('dialog', { name: 'Delete for everyone?' });
    await dialog.getByRole('button', { name: 'Delete for everyone' }).click();
    for (const page of [alice, bob]) {
      await expect.poll(() => page.getByTestId('tombstone').count(), { timeout: 5_000 }).toBe(1);
      expect(await page.getByText('wrong chat, sorry').count()).toBe(0);
    }
    await screenshots(bob, '21-edit-delete');
  });

  it('the message menu works from the keyboard: Tab to its button, Enter, arrows, Escape', async () => {
    const row = bubble(alice, 'Meet at the south gate');
    const button = row.getByTestId('message-menu-button');
    await button.focus();
    await alice.keyboard.press('Enter');
    const menuItems = alice.getByRole('menu').getByRole('menuitem');
    expect(await menuItems.allTextContents()).toEqual([
      'Reply',
      'Edit',
      'Delete for everyone',
      'Copy text',
    ]);
    await expect.poll(() => alice.evaluate('document.activeElement?.textContent')).toBe('Reply');
    await alice.keyboard.press('ArrowDown');
    expect(await alice.evaluate('document.activeElement?.textContent')).toBe('Edit');
    await alice.keyboard.press('Escape');
    expect(await alice.getByRole('menu').count()).toBe(0);
    expect(await alice.evaluate('document.activeElement?.dataset.testid')).toBe(
      'message-menu-button',
    );
  });

  it('a reply shows its quote on both screens; clicking it jumps to the original on an older page', async () => {
    await menu(bob, 'Meet at the south gate', 'Reply');
    expect(await bob.getByTestId('replying-to').textContent()).toContain(
      `Replying to ${aliceName}: Meet at the south gate`,
    );
    const composer = bob.getByLabel('Message', { exact: true });
    await composer.fill('On my way');
    await composer.press('Enter');
    for (const page of [alice, bob]) {
      const quote = bubble(page, 'On my way').getByTestId('reply-quote');
      await quote.waitFor({ timeout: 10_000 });
      expect(await quote.textContent()).toContain('Meet at the south gate');
    }

    // a reply to alice's very first message, which her newest page of history does not hold
    let history = await aliceApi.api.messages.history.query({ conversationId, limit: 100 });
    while (history.nextBefore)
      history = await aliceApi.api.messages.history.query({
        conversationId,
        before: history.nextBefore,
        limit: 100,
      });
    const oldest = history.messages[0]!;
    expect(oldest.body).toBe('early 1');
    await closeChat(alice);
    const bobApi = createParleyClient({ url: parley.server.url, WebSocket });
    try {
      await bobApi.login(bobName, password);
      await bobApi.api.messages.send.mutate({
        conversationId,
        clientId: randomUUID(),
        body: 'Remember this one?',
        replyToId: oldest.id,
      });
    } finally {
      bobApi.close();
    }
    await open(alice, bobName);
    const reply = bubble(alice, 'Remember this one?');
    await reply.waitFor({ timeout: 10_000 });
    expect(await alice.getByTestId('body').getByText('early 1', { exact: true }).count()).toBe(0);
    await reply.getByTestId('reply-quote').click();
    const original = alice.locator(`li[data-message-id="${oldest.id}"]`);
    await expect
      .poll(() => original.getAttribute('class'), { timeout: 10_000 })
      .toContain('flash-target');
    expect(await original.isVisible()).toBe(true);
    const box = (await original.boundingBox())!;
    expect(box.y).toBeGreaterThan(0);
    expect(box.y + box.height).toBeLessThan(760);
    await screenshots(alice, '22-reply-jump');
  });

  it('changing the password in Settings keeps this window signed in and signs the other one out', async () => {
    const elsewhere = await (await browser.newContext()).newPage();
    await logIn(elsewhere, parley.server.url, aliceName, password);
    await alice.getByRole('button', { name: 'Settings' }).click();
    await alice.getByRole('button', { name: 'Change password…' }).click();
    const next = 'Another-Horse-43';
    await alice.getByLabel('Current password').fill(password);
    await alice.getByLabel('New password', { exact: true }).fill('weak');
    expect(await alice.locator('[data-rule="uppercase"]').getAttribute('data-met')).toBe('false');
    await alice.getByLabel('New password', { exact: true }).fill(next);
    await alice.getByLabel('New password again').fill(next);
    await alice.getByRole('button', { name: 'Change password', exact: true }).click();
    expect(await alice.getByTestId('password-changed').textContent()).toBe(
      'Password changed; your other devices were signed out.',
    );
    await elsewhere.getByRole('button', { name: 'Log in' }).waitFor({ timeout: 10_000 });
    await elsewhere.context().close();

    // this window carries on: a message still goes through, and survives a reload (new tokens stored)
    await alice.keyboard.press('Escape');
    await send(alice, 'still here');
    await alice.reload();
    await alice.getByTestId('me').waitFor({ timeout: 10_000 });
    await bubble(alice, 'still here').waitFor({ timeout: 10_000 });
  });
});
