import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchChromium,
  recordStatuses,
  recordedStatuses,
  screenshots,
  signUp,
  startParley,
  statusOf,
} from './harness.js';

/**
 * The web client against a real server, in real Chromium: two people sign up, find each other and
 * chat; statuses, presence, the offline queue, search and logout behave as a person would see them.
 * The scenario runs in order (each step builds on the previous one).
 */
describe('web client end to end', () => {
  let parley: Awaited<ReturnType<typeof startParley>>;
  let browser: Browser;
  let base: string;
  let aliceContext: BrowserContext;
  let bobContext: BrowserContext;
  let alice: Page;
  let bob: Page;
  const suffix = randomBytes(3).toString('hex');
  const aliceName = `alice_${suffix}`;
  const bobName = `bob_${suffix}`;
  const password = 'Correct-Horse-42';

  beforeAll(async () => {
    parley = await startParley();
    base = parley.server.url;
    browser = await launchChromium();
    aliceContext = await browser.newContext({ viewport: { width: 1100, height: 720 } });
    bobContext = await browser.newContext({ viewport: { width: 1100, height: 720 } });
    alice = await aliceContext.newPage();
    bob = await bobContext.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await parley?.dispose();
  });

  it('shows which password rules a weak password fails', async () => {
    await alice.goto(`${base}/#/login`);
    await alice.getByRole('button', { name: 'Log in' }).waitFor();
    await screenshots(alice, '01-login');
    await alice.goto(`${base}/#/signup`);
    await alice.getByLabel('Username').fill(aliceName);
    await alice.getByLabel('Password', { exact: true }).fill('weak');
    const rule = (name: string) => alice.locator(`[data-rule="${name}"]`).getAttribute('data-met');
    expect(await rule('minLength')).toBe('false');
    expect(await rule('uppercase')).toBe('false');
    expect(await rule('digit')).toBe('false');
    expect(await rule('lowercase')).toBe('true');
    await alice.getByRole('button', { name: 'Sign up' }).click();
    await expect
      .poll(() => alice.locator('[data-field-errors="password"]').textContent())
      .toContain('does not meet');
    await screenshots(alice, '02-signup-weak-password');

    // the server's own rule (a common password) comes back next to the field, by name
    await alice.getByLabel('Password', { exact: true }).fill('Password123');
    await alice.getByRole('button', { name: 'Sign up' }).click();
    await expect
      .poll(() => alice.locator('[data-field-errors="password"]').textContent(), {
        timeout: 10_000,
      })
      .toContain('Not a commonly used password');
    expect(await rule('common')).toBe('false');
    expect(await rule('minLength')).toBe('true');
  });

  it('two people sign up, find each other and chat; the clock turns into a check', async () => {
    await signUp(alice, base, aliceName, password);
    await signUp(bob, base, bobName, password);

    // the same name again, in any case, is taken: the server says so next to the username
    const third = await (await bobContext.browser()!.newContext()).newPage();
    await third.goto(`${base}/#/signup`);
    await third.getByLabel('Username').fill(bobName.toUpperCase());
    await third.getByLabel('Password', { exact: true }).fill(password);
    await third.getByRole('button', { name: 'Sign up' }).click();
    await expect
      .poll(() => third.locator('[data-field-errors="username"]').textContent(), {
        timeout: 10_000,
      })
      .toContain('taken');
    await third.context().close();
    await screenshots(bob, '03-empty-chats');

    await alice.getByRole('button', { name: 'New chat' }).first().click();
    await alice
      .getByRole('searchbox', { name: 'Search people by username' })
      .fill(bobName.slice(0, 6));
    await alice.locator(`[data-user="${bobName}"]`).waitFor();
    await screenshots(alice, '04-new-chat-search');
    await alice.locator(`[data-user="${bobName}"]`).click();
    await expect.poll(() => alice.getByTestId('peer-name').textContent()).toBe(bobName);
    await expect
      .poll(() => alice.getByTestId('peer-status').textContent(), { timeout: 10_000 })
      .toBe('Online');

    await recordStatuses(alice);
    const composer = alice.getByLabel('Message', { exact: true });
    await composer.fill('Hello Bob, shall we meet at noon?');
    await composer.press('Enter');
    await expect
      .poll(() => statusOf(alice, 'Hello Bob, shall we meet at noon?'), { timeout: 10_000 })
      .toBe('delivered');
    const seen = await recordedStatuses(alice);
    const firstClock = seen.findIndex((s) => /:(sending|pending|sent)$/.test(s));
    const check = seen.indexOf('Hello Bob, shall we meet at noon?:delivered');
    expect(firstClock).toBeGreaterThanOrEqual(0);
    expect(check).toBeGreaterThan(firstClock);
    expect(
      await alice
        .locator('li[data-mine="true"] [data-status="delivered"] [role="img"]')
        .first()
        .getAttribute('aria-label'),
    ).toBe('Delivered');

    // bob: the conversation arrived live, with an unread badge and the preview
    const row = bob.locator(`[data-conversation="${aliceName}"]`);
    await row.waitFor({ timeout: 10_000 });
    expect(await row.getByTestId('preview').textContent()).toContain('shall we meet at noon?');
    expect(await row.getByTestId('unread-badge').textContent()).toContain('1');
    await row.click();
    await bob.getByTestId('body').getByText('Hello Bob, shall we meet at noon?').waitFor();
    await expect.poll(() => row.getByTestId('unread-badge').count()).toBe(0);
    await bob.getByLabel('Message', { exact: true }).fill('Noon works. See you!');
    await bob.getByLabel('Message', { exact: true }).press('Enter');
    await alice.getByTestId('body').getByText('Noon works. See you!').waitFor({ timeout: 10_000 });
    // alice has the conversation open in a focused window: she has read it (both have receipts on)
    await expect
      .poll(() => statusOf(bob, 'Noon works. See you!'), { timeout: 10_000 })
      .toBe('read');
    await screenshots(alice, '05-conversation');

    // a narrow window shows either the list or the conversation, with a way back
    await alice.setViewportSize({ width: 420, height: 720 });
    expect(await alice.getByTestId('conversation-list').isVisible()).toBe(false);
    await screenshots(alice, '05b-conversation-narrow');
    await alice.getByRole('button', { name: 'Back to conversations' }).click();
    await alice.getByTestId('conversation-list').waitFor();
    await alice.locator(`[data-conversation="${bobName}"]`).click();
    await alice.getByLabel('Message', { exact: true }).waitFor();
    await alice.setViewportSize({ width: 1100, height: 720 });

    // a draft survives a restart of the app (here: a reload right after typing)
    await alice.getByLabel('Message', { exact: true }).fill('an unfinished thought');
    await alice.reload();
    await alice.getByTestId('me').waitFor();
    await expect
      .poll(() => alice.getByLabel('Message', { exact: true }).inputValue())
      .toBe('an unfinished thought');
    await alice.getByLabel('Message', { exact: true }).fill('');
  });

  it('the presence dot flips when the other closes the page; a message to them keeps the clock until they return', async () => {
    const dot = alice.locator(`[data-conversation="${bobName}"] [data-presence]`);
    expect(await dot.getAttribute('data-presence')).toBe('online');
    await bob.close();
    await expect.poll(() => dot.getAttribute('data-presence'), { timeout: 10_000 }).toBe('offline');
    await expect
      .poll(() => alice.getByTestId('peer-status').textContent())
      .toMatch(/Last seen|Offline/);

    const composer = alice.getByLabel('Message', { exact: true });
    await composer.fill('Are you still there?');
    await composer.press('Enter');
    await expect
      .poll(() => statusOf(alice, 'Are you still there?'), { timeout: 10_000 })
      .toBe('pending');
    await alice.waitForTimeout(1500);
    expect(await statusOf(alice, 'Are you still there?')).toBe('pending');
    expect(
      await alice
        .locator('li[data-mine="true"] [data-status="pending"] [role="img"]')
        .last()
        .getAttribute('aria-label'),
    ).toMatch(/waiting for the recipient/);

    // bob comes back: his stored session resumes, the queued message reaches him, alice sees the check
    bob = await bobContext.newPage();
    await bob.goto(base);
    await bob.getByTestId('me').waitFor({ timeout: 10_000 });
    await expect.poll(() => dot.getAttribute('data-presence'), { timeout: 10_000 }).toBe('online');
    await expect
      .poll(() => statusOf(alice, 'Are you still there?'), { timeout: 10_000 })
      .toBe('delivered');
    await bob.locator(`[data-conversation="${aliceName}"]`).click();
    await bob.getByTestId('body').getByText('Are you still there?').waitFor();
    // and the fourth tick once he has it on screen
    await expect
      .poll(() => statusOf(alice, 'Are you still there?'), { timeout: 10_000 })
      .toBe('read');
  });

  it('search finds a message with highlights and opens it; no results says so', async () => {
    await alice.keyboard.press('Control+k');
    const input = alice.getByRole('searchbox', { name: 'Search messages' });
    await input.fill('noon');
    await alice.getByTestId('search-results').waitFor({ timeout: 10_000 });
    const marks = await alice.getByTestId('search-results').locator('mark').allTextContents();
    expect(marks.length).toBeGreaterThan(0);
    expect(marks.every((mark) => mark.toLowerCase() === 'noon')).toBe(true);
    await screenshots(alice, '06-search');
    await alice.getByTestId('search-results').getByRole('button').first().click();
    await expect.poll(() => alice.locator('li.flash-target').count()).toBe(1);

    await alice.keyboard.press('Control+k');
    await alice.getByRole('searchbox', { name: 'Search messages' }).fill('xylophone');
    await expect
      .poll(() => alice.getByTestId('no-results').textContent(), { timeout: 10_000 })
      .toContain('No results');
    await alice.keyboard.press('Escape');
    await expect.poll(() => alice.getByRole('dialog').count()).toBe(0);
  });

  it('settings, then logout: the back button shows no chats', async () => {
    await alice.getByRole('button', { name: 'Settings' }).click();
    await alice.getByRole('dialog', { name: 'Settings' }).waitFor();
    await screenshots(alice, '07-settings');
    await alice.getByRole('button', { name: 'Log out' }).click();
    await alice.getByRole('button', { name: 'Log in' }).waitFor();
    await alice.goBack();
    await alice.waitForTimeout(300);
    await alice.getByRole('button', { name: 'Log in' }).waitFor();
    expect(await alice.getByTestId('conversation-list').count()).toBe(0);
    expect(await alice.locator('body').textContent()).not.toContain('noon');
    // and the session is really gone on the server: a reload stays signed out
    await alice.reload();
    await alice.getByRole('button', { name: 'Log in' }).waitFor();
    expect(await alice.getByTestId('me').count()).toBe(0);
  });

  it('deleting an account needs the password; the peer then sees "Deleted User"', async () => {
    await bob.getByRole('button', { name: 'Settings' }).click();
    await bob.getByRole('button', { name: 'Delete my account…' }).click();
    await bob.getByLabel('Your password').fill('not-my-password');
    await bob.getByRole('button', { name: 'Delete my account permanently' }).click();
    await expect
      .poll(() => bob.getByRole('dialog').getByRole('alert').textContent(), { timeout: 10_000 })
      .toBeTruthy();
    expect(await bob.getByTestId('me').count()).toBe(1);
    await bob.getByLabel('Your password').fill(password);
    await bob.getByRole('button', { name: 'Delete my account permanently' }).click();
    await bob.getByRole('button', { name: 'Log in' }).waitFor({ timeout: 10_000 });

    // the account can never log in again
    await bob.getByLabel('Username').fill(bobName);
    await bob.getByLabel('Password', { exact: true }).fill(password);
    await bob.getByRole('button', { name: 'Log in' }).click();
    await bob.getByRole('alert').waitFor({ timeout: 10_000 });
    expect(await bob.getByTestId('me').count()).toBe(0);

    await alice.getByLabel('Username').fill(aliceName);
    await alice.getByLabel('Password', { exact: true }).fill(password);
    await alice.getByRole('button', { name: 'Log in' }).click();
    const row = alice.locator('[data-conversation="Deleted User"]');
    await row.waitFor({ timeout: 10_000 });
    await row.click();
    await alice.getByTestId('body').getByText('Noon works. See you!').waitFor();
    expect(await alice.locator('li[data-mine="false"] .sr-only').first().textContent()).toBe(
      'Deleted User: ',
    );
    expect(await alice.getByTestId('peer-name').textContent()).toBe('Deleted User');
    expect(await alice.getByLabel('Message', { exact: true }).count()).toBe(0);
    await screenshots(alice, '08-deleted-peer');
  });

  it('shows the connection banner while the server is down, and recovers by itself', async () => {
    await parley.stop();
    const banner = alice.locator('[data-connection]');
    await expect
      .poll(() => banner.getAttribute('data-connection'), { timeout: 15_000 })
      .toMatch(/reconnecting|connecting/);
    await expect
      .poll(() => banner.textContent(), { timeout: 15_000 })
      .toMatch(/Reconnecting in \d+ s|Connecting/);
    await screenshots(alice, '09-connection-banner');
    await parley.start();
    await expect.poll(() => banner.count(), { timeout: 45_000 }).toBe(0);
    await alice.keyboard.press('Control+k');
    await alice.getByRole('searchbox', { name: 'Search messages' }).fill('noon');
    await alice.getByTestId('search-results').waitFor({ timeout: 10_000 });
  });
});
