import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, signUp, startParley, statusOf, type Parley } from './harness.js';

/**
 * What a person sees of the connection and of each message: losing the network is said at once,
 * the app comes back as soon as it can, every tick says in words where the message is, and a
 * message arriving while the tab is hidden shows a notification.
 */
describe('connection, delivery and notifications in the browser', () => {
  let parley: Parley;
  let browser: Browser;
  let base: string;
  let aliceContext: BrowserContext;
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
    // every Notification the page creates is recorded (the real one is still made)
    await aliceContext.addInitScript(`(() => {
      const Real = window.Notification;
      window.__notifications = [];
      class Recorded extends Real {
        constructor(title, options) {
          super(title, options);
          window.__notifications.push({ title, body: options && options.body });
        }
      }
      window.Notification = Recorded;
    })()`);
    await aliceContext.grantPermissions(['notifications'], { origin: base });
    alice = await aliceContext.newPage();
    bob = await (await browser.newContext({ viewport: { width: 1100, height: 720 } })).newPage();
    await signUp(alice, base, aliceName, password);
    await signUp(bob, base, bobName, password);
    await alice.getByRole('button', { name: 'New chat' }).first().click();
    await alice.getByRole('searchbox', { name: 'Search people by username' }).fill(bobName);
    await alice.locator(`[data-user="${bobName}"]`).click();
    await alice.getByTestId('peer-name').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await parley?.dispose();
  });

  const tickName = (body: string) =>
    alice
      .locator('li[data-mine="true"]', {
        has: alice.getByTestId('body').getByText(body, { exact: true }),
      })
      .locator('[data-status] [role="img"]')
      .getAttribute('aria-label');

  it('names every tick in words: on this device, sent to the server, delivered', async () => {
    await expect
      .poll(() => alice.getByTestId('peer-status').textContent(), { timeout: 10_000 })
      .toBe('Online');
    const composer = alice.getByLabel('Message', { exact: true });
    await composer.fill('first of all');
    await composer.press('Enter');
    await expect.poll(() => tickName('first of all'), { timeout: 10_000 }).toBe('Delivered');

    // bob closes the page: the next message is on the server, waiting for him
    const bobContext = bob.context();
    await bob.close();
    await expect
      .poll(() => alice.getByTestId('peer-status').textContent(), { timeout: 10_000 })
      .not.toBe('Online');
    await composer.fill('are you there?');
    await composer.press('Enter');
    await expect
      .poll(() => tickName('are you there?'), { timeout: 10_000 })
      .toBe('Sent to the server: waiting for the recipient to connect');

    // with the server gone, a new one stays on this device
    await parley.stop();
    try {
      await alice.locator('[data-connection="reconnecting"]').waitFor({ timeout: 15_000 });
      await composer.fill('queued while the server is down');
      await composer.press('Enter');
      expect(await tickName('queued while the server is down')).toBe(
        'On this device: not yet accepted by the server',
      );
      // Offered while a reconnect waits (an attempt in progress shows "Connecting…" for a moment).
      await alice.getByRole('button', { name: 'Retry now' }).waitFor({ timeout: 10_000 });

      // the countdown only counts down during one wait
      const countdown: number[] = [];
      for (let i = 0; i < 8; i++) {
        const text = (await alice.locator('[data-connection]').textContent()) ?? '';
        const seconds = text.match(/Reconnecting in (\d+) s/)?.[1];
        if (seconds) countdown.push(Number(seconds));
        await alice.waitForTimeout(250);
      }
      expect(Math.max(...countdown)).toBeLessThanOrEqual(5);

      // the server is back (same port, same data): the message goes within 5 s of it being healthy
      await parley.start();
      const healthyAt = Date.now();
      await expect
        .poll(() => statusOf(alice, 'queued while the server is down'), { timeout: 5_000 })
        .not.toBe('sending');
      console.log(`queued message accepted ${Date.now() - healthyAt} ms after the server was back`);
      await expect
        .poll(() => alice.locator('[data-connection]').count(), { timeout: 5_000 })
        .toBe(0);
    } finally {
      // A failure above must not leave the server down for the tests after this one.
      await parley.start();
    }

    bob = await bobContext.newPage();
    await bob.goto(base);
    await bob.getByTestId('me').waitFor({ timeout: 10_000 });
    await expect
      .poll(() => tickName('queued while the server is down'), { timeout: 10_000 })
      .toBe('Delivered');
  });

  it('going offline is shown within seconds with presence unknown; a message typed offline arrives soon after', async () => {
    const status = alice.getByTestId('peer-status');
    await expect.poll(() => status.textContent(), { timeout: 10_000 }).toBe('Online');
    await aliceContext.setOffline(true);
    const offlineAt = Date.now();
    await alice.locator('[data-connection="no-network"]').waitFor({ timeout: 10_000 });
    expect(Date.now() - offlineAt).toBeLessThan(10_000);
    expect(await status.textContent()).not.toBe('Online');
    expect(
      await alice
        .locator(`[data-conversation="${bobName}"] [data-presence]`)
        .getAttribute('data-presence'),
    ).toBe('unknown');

    const composer = alice.getByLabel('Message', { exact: true });
    await composer.fill('typed on the train');
    await composer.press('Enter');
    await alice.waitForTimeout(1_000);
    await aliceContext.setOffline(false);
    const onlineAt = Date.now();
    await bob.locator(`[data-conversation="${aliceName}"]`).click();
    await bob
      .getByTestId('body')
      .getByText('typed on the train', { exact: true })
      .waitFor({ timeout: 10_000 });
    console.log(
      `message typed offline arrived ${Date.now() - onlineAt} ms after the network came back`,
    );
    await expect.poll(() => status.textContent(), { timeout: 10_000 }).toBe('Online');
  });

  it('notifies about a message that arrives while the tab is in the background, and counts it in the title', async () => {
    // no conversation open, another tab in front, and alice's page no longer focused (headless
    // Chromium keeps every page "visible" and, under Playwright, focused unless told otherwise)
    await alice.evaluate('location.hash = "#/chats"');
    const other = await aliceContext.newPage();
    await other.goto('about:blank');
    await other.bringToFront();
    const cdp = await aliceContext.newCDPSession(alice);
    await cdp.send('Emulation.setFocusEmulationEnabled', { enabled: false });
    expect(await alice.evaluate('document.hasFocus()')).toBe(false);
    expect(await alice.evaluate('window.__notifications.length')).toBe(0);
    await bob.getByLabel('Message', { exact: true }).fill('ping from bob');
    await bob.getByLabel('Message', { exact: true }).press('Enter');
    await expect
      .poll(
        () => alice.evaluate<Array<{ title: string; body: string }>>('window.__notifications'),
        {
          timeout: 10_000,
        },
      )
      .toEqual([{ title: bobName, body: 'ping from bob' }]);
    await expect.poll(() => alice.title()).toBe('(1) Parley');
    expect(await alice.locator('link[rel="icon"]').getAttribute('href')).toMatch(
      /^data:image\/svg\+xml,/,
    );
    await other.close();
  });
});
