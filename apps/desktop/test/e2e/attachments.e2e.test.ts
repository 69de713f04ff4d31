import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { deflateSync } from 'node:zlib';
import { createParleyClient } from '@parley/client';
import type { Browser, Page } from 'playwright-core';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, logIn, startParley, type Parley } from './harness.js';

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (bytes: Buffer): number => {
  let c = 0xffffffff;
  for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type: string, data: Buffer): Buffer => {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([head, body, crc]);
};

/** A real PNG, `width` × `height`, RGB stripes: something the browser has to decode to show. */
function png(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, truecolour
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y += 1) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x += 1) row.set([(x * 8) & 0xff, (y * 8) & 0xff, 160], 1 + x * 3);
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A small PDF; its bytes only need to arrive unchanged. */
const pdf = Buffer.concat([
  Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj << /Type /Catalog >> endobj\n'),
  randomBytes(50_000),
  Buffer.from('\n%%EOF\n'),
]);

/**
 * Files between two people in their own browser contexts against a real server: a picture dropped
 * into the chat shows on the other side as a thumbnail and downloads identical, and so does a PDF
 * sent with the attach button.
 */
describe('attachments end to end', () => {
  let parley: Parley;
  let browser: Browser;
  let alice: Page;
  let bob: Page;
  const suffix = randomBytes(3).toString('hex');
  const aliceName = `alice_${suffix}`;
  const bobName = `bob_${suffix}`;
  const password = 'Correct-Horse-42';

  beforeAll(async () => {
    parley = await startParley();
    browser = await launchChromium();
    const url = parley.server.url;
    const aliceApi = createParleyClient({ url, WebSocket });
    const bobApi = createParleyClient({ url, WebSocket });
    await aliceApi.register(aliceName, password);
    const bobUser = await bobApi.register(bobName, password);
    await aliceApi.api.conversations.open.mutate({ userId: bobUser.id });
    aliceApi.close();
    bobApi.close();
    alice = await (await browser.newContext({ viewport: { width: 1100, height: 760 } })).newPage();
    bob = await (await browser.newContext({ viewport: { width: 1100, height: 760 } })).newPage();
    await logIn(alice, url, aliceName, password);
    await logIn(bob, url, bobName, password);
    for (const [page, peer] of [
      [alice, bobName],
      [bob, aliceName],
    ] as const) {
      await page.locator(`[data-conversation="${peer}"]`).click();
      await page.getByLabel('Message', { exact: true }).waitFor();
    }
  });

  afterAll(async () => {
    await browser?.close();
    await parley?.dispose();
  });

  const downloadFrom = async (page: Page, name: string): Promise<Buffer> => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: `Download ${name}` }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(name);
    return readFile(await download.path());
  };

  it('A drops a PNG into the chat; B sees it as a thumbnail and downloads it identical', async () => {
    const picture = png(48, 32);
    // A real drop: a DataTransfer built in the page from the bytes, dispatched on the chat.
    await alice.evaluate(`(() => {
      const bytes = new Uint8Array(${JSON.stringify([...picture])});
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], 'stripes.png', { type: 'image/png' }));
      const zone = document.querySelector('[data-testid="chat-drop-zone"]');
      for (const type of ['dragenter', 'dragover', 'drop']) {
        zone.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
      }
    })()`);

    // Alice's own bubble shows the picture once it is sent.
    await alice.getByTestId('attachment-image').waitFor();

    const thumbnail = bob.getByTestId('attachment-image');
    await thumbnail.waitFor({ timeout: 15_000 });
    await expect
      .poll(() =>
        thumbnail.evaluate((image: { complete: boolean; naturalWidth: number }) =>
          image.complete ? image.naturalWidth : 0,
        ),
      )
      .toBe(48);
    expect(await thumbnail.getAttribute('alt')).toBe('stripes.png');
    // Made from downloaded bytes, not loaded from the server by URL.
    expect(await thumbnail.getAttribute('src')).toMatch(/^blob:/);

    expect((await downloadFrom(bob, 'stripes.png')).equals(picture)).toBe(true);
  });

  it('A sends a PDF with the attach button; B sees a file card and downloads it identical', async () => {
    const [chooser] = await Promise.all([
      alice.waitForEvent('filechooser'),
      alice.getByRole('button', { name: 'Attach a file' }).click(),
    ]);
    await chooser.setFiles({ name: 'plan.pdf', mimeType: 'application/pdf', buffer: pdf });

    const card = bob.locator('[data-testid="attachment"][data-kind="file"]', {
      hasText: 'plan.pdf',
    });
    await card.waitFor({ timeout: 15_000 });
    expect(await card.textContent()).toContain('application/pdf');
    expect((await downloadFrom(bob, 'plan.pdf')).equals(pdf)).toBe(true);
  });
});
