import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as ParleyModule from './index.js';
import type { KeyValueStorage } from './storage.js';
import { startTestServer, type TestServer } from '../test/test-server.js';

/**
 * The library in a real browser (Debian's Chromium), loaded from the server's own origin under its real
 * Content-Security-Policy: native WebSocket and fetch, localStorage as the storage, no Node globals.
 */
let server: TestServer;
let browser: Browser;
let webRoot: string;

// Browser globals, as seen by the functions that run inside the page (this package compiles without the DOM lib).
declare const window: { Parley: typeof ParleyModule };
declare const location: { origin: string };
declare const localStorage: KeyValueStorage;
/** Waits in the page until `check()` holds (defined by `defineUntil` before every load). */
declare const until: (check: () => boolean, ms?: number) => Promise<void>;

function defineUntil(): void {
  (globalThis as unknown as { until: typeof until }).until = async (check, ms = 5000) => {
    const end = Date.now() + ms;
    while (!check()) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
}

beforeAll(async () => {
  webRoot = await mkdtemp(join(tmpdir(), 'parley-client-web-'));
  await build({
    entryPoints: [join(import.meta.dirname, 'index.ts')],
    bundle: true,
    format: 'iife',
    globalName: 'Parley',
    platform: 'browser',
    target: 'es2022',
    outfile: join(webRoot, 'parley-client.js'),
    logLevel: 'silent',
  });
  await writeFile(
    join(webRoot, 'index.html'),
    '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>client test</title><script src="/parley-client.js"></script>',
  );
  server = await startTestServer({ webRoot });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
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
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
  await rm(webRoot, { recursive: true, force: true });
});

describe('in a browser', () => {
  it('two clients exchange a message; a reload restores the session from localStorage and resumes the stream', async () => {
    const page = await browser.newPage();
    await page.addInitScript(defineUntil);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(`${server.url}/`);
    const suffix = Math.random().toString(36).slice(2, 8);

    const first = await page.evaluate(async (suffix) => {
      const { createParleyClient, memoryStorage } = window.Parley;
      const a = createParleyClient({ url: location.origin, storage: localStorage });
      const b = createParleyClient({ url: location.origin, storage: memoryStorage() });
      const received: string[] = [];
      b.onEvent((event) => {
        if (event.type === 'message') received.push(event.message.body);
      });
      await a.register(`web_alice_${suffix}`, 'Tr0ub4dor&3-horse');
      const bob = await b.register(`web_bob_${suffix}`, 'Tr0ub4dor&3-horse');
      const conversation = await a.api.conversations.open.mutate({ userId: bob.id });
      await until(() => b.connection().kind === 'online');
      const entry = a.send(conversation.id, 'hello from a browser');
      await until(() => received.length === 1);
      await until(() => a.outbox()[0]?.status === 'delivered');
      await a.flush();
      const result = {
        clientId: entry.clientId,
        received,
        aState: a.connection().kind,
        stored: Object.keys(localStorage).sort(),
        conversationId: conversation.id,
      };
      a.close();
      b.close();
      return result;
    }, suffix);
    expect(first.received).toEqual(['hello from a browser']);
    expect(first.clientId).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.aState).toBe('online');
    expect(first.stored.filter((k) => k.startsWith('parley:'))).toHaveLength(3);

    await page.reload();
    const second = await page.evaluate(
      async ({ suffix, conversationId }) => {
        const { createParleyClient, memoryStorage } = window.Parley;
        const a = createParleyClient({ url: location.origin, storage: localStorage });
        const events: string[] = [];
        a.onEvent((event, id) => events.push(`${id}:${event.type}`));
        const user = await a.restore();
        await until(() => a.connection().kind === 'online');
        const b = createParleyClient({ url: location.origin, storage: memoryStorage() });
        await b.login(`web_bob_${suffix}`, 'Tr0ub4dor&3-horse');
        b.send(conversationId, 'welcome back');
        await until(() => events.length === 1);
        const result = { username: user?.username, events };
        a.close();
        b.close();
        return result;
      },
      { suffix, conversationId: first.conversationId },
    );
    expect(second.username).toBe(`web_alice_${suffix}`);
    // Only the new message: what A saw before the reload is not replayed.
    expect(second.events).toHaveLength(1);
    expect(second.events[0]).toMatch(/:message$/);
    expect(errors).toEqual([]);
  }, 60_000);

  it('uploads a Blob with XMLHttpRequest progress, downloads it identical, and cancels an upload', async () => {
    const page = await browser.newPage();
    await page.addInitScript(defineUntil);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${server.url}/`);
    const result = await page.evaluate(
      async (suffix) => {
        const { createParleyClient, memoryStorage } = window.Parley;
        const a = createParleyClient({ url: location.origin, storage: memoryStorage() });
        await a.register(`web_files_${suffix}`, 'Tr0ub4dor&3-horse');
        const bytes = new Uint8Array(2 * 1024 * 1024);
        for (let i = 0; i < bytes.length; i += 1) bytes[i] = (i * 31) & 0xff;
        const progress: number[] = [];
        const attachment = await a.files.upload(new Blob([bytes], { type: 'image/png' }), {
          name: 'picture.png',
          onProgress: ({ loaded }) => progress.push(loaded),
        });
        const file = await a.files.download(attachment.fileId);
        let identical = file.bytes.length === bytes.length;
        for (let i = 0; identical && i < bytes.length; i += 1)
          identical = file.bytes[i] === bytes[i];
        const controller = new AbortController();
        const cancelled = a.files
          .upload(bytes, { name: 'cancelled.bin', signal: controller.signal })
          .then(
            () => 'uploaded',
            (error: unknown) => (error as Error).name,
          );
        controller.abort();
        const outcome = {
          attachment,
          file: { name: file.name, contentType: file.contentType, identical },
          progress,
          cancelled: await cancelled,
        };
        a.close();
        return outcome;
      },
      Math.random().toString(36).slice(2, 8),
    );
    expect(result.attachment).toMatchObject({
      name: 'picture.png',
      contentType: 'image/png',
      size: 2 * 1024 * 1024,
    });
    expect(result.file).toEqual({ name: 'picture.png', contentType: 'image/png', identical: true });
    expect(result.progress.at(-1)).toBe(2 * 1024 * 1024);
    expect(result.cancelled).toBe('AbortError');
    expect(errors).toEqual([]);
  }, 60_000);
});
