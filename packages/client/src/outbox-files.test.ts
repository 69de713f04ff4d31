import { describe, expect, it } from 'vitest';
import { eventually, password, sleep, username } from '../test/test-clients.js';
import { testEnvironment } from '../test/test-environment.js';

const MAX_FILE_BYTES = 4 * 1024 * 1024;
const env = testEnvironment({ server: { maxFileBytes: MAX_FILE_BYTES } });

const bytesOf = (size: number, seed = 1) => {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 1) bytes[i] = (i * 11 + seed * 5 + (i >> 9)) & 0xff;
  return bytes;
};
const fast = { retryDelayMs: () => 50, healthProbeMs: 50 };

async function pair(options: Parameters<typeof env.client>[1] = {}) {
  const a = env.client(env.server.url, { ...fast, ...options });
  const b = env.client(env.server.url, fast);
  await a.client.register(username('alice'), password);
  const bob = await b.client.register(username('bob'), password);
  const conversation = await a.client.api.conversations.open.mutate({ userId: bob.id });
  return { a, b, conversationId: conversation.id };
}

describe('outbox with files', () => {
  it('uploads the file first (with progress), then sends the message with its fileId; the peer downloads it identical', async () => {
    const { a, b, conversationId } = await pair();
    const bytes = bytesOf(1024 * 1024 + 3);
    const loaded: number[] = [];
    a.client.onOutboxChange((entries) => {
      const file = entries[0]?.file;
      if (file) loaded.push(file.loaded);
    });
    const entry = a.client.send(conversationId, '', {
      file: {
        body: bytes,
        name: 'plan.pdf',
        contentType: 'application/pdf',
      },
    });
    expect(entry).toMatchObject({
      status: 'sending',
      file: { name: 'plan.pdf', size: bytes.byteLength, fileId: null },
    });
    const [received] = await eventually(() => {
      const messages = b.messages();
      expect(messages).toHaveLength(1);
      return messages;
    });
    expect(received).toMatchObject({
      clientId: entry.clientId,
      body: '',
      attachment: { name: 'plan.pdf', size: bytes.byteLength, contentType: 'application/pdf' },
    });
    const sent = a.client.outbox()[0]!;
    expect(sent.file?.fileId).toBe(received!.attachment!.fileId);
    expect(sent.message?.attachment?.fileId).toBe(received!.attachment!.fileId);
    expect(loaded.some((value) => value > 0 && value < bytes.byteLength)).toBe(true);
    const file = await b.client.files.download(received!.attachment!.fileId);
    expect(Buffer.from(file.bytes).equals(Buffer.from(bytes))).toBe(true);
  });

  it('keeps the message and its file while the server is unreachable, and sends both when it is back', async () => {
    const { a, b, conversationId } = await pair();
    await env.server.stop();
    const bytes = bytesOf(200_000, 2);
    const entry = a.client.send(conversationId, 'while offline', {
      file: {
        body: new Blob([bytes], { type: 'image/png' }),
        name: 'offline.png',
      },
    });
    await eventually(() => expect(a.client.outbox()[0]?.error).toContain('Cannot reach'));
    await sleep(300); // several retries, all failing
    expect(a.client.outbox()[0]).toMatchObject({ status: 'sending', file: { fileId: null } });
    await env.server.start();
    const [received] = await eventually(() => {
      const messages = b.messages();
      expect(messages).toHaveLength(1);
      return messages;
    }, 20_000);
    expect(received).toMatchObject({
      clientId: entry.clientId,
      body: 'while offline',
      attachment: { name: 'offline.png', contentType: 'image/png', size: 200_000 },
    });
    const file = await b.client.files.download(received!.attachment!.fileId);
    expect(Buffer.from(file.bytes).equals(Buffer.from(bytes))).toBe(true);
    // Sent once.
    const history = await a.client.api.messages.history.query({ conversationId });
    expect(history.messages).toHaveLength(1);
  });

  it('a refused upload fails the entry; the app may retry it or cancel it; nothing is sent', async () => {
    const { a, b, conversationId } = await pair();
    const entry = a.client.send(conversationId, 'too big', {
      file: {
        body: bytesOf(MAX_FILE_BYTES + 1, 3),
        name: 'big.zip',
        contentType: 'application/zip',
      },
    });
    await eventually(() => expect(a.client.outbox()[0]?.status).toBe('failed'));
    expect(a.client.outbox()[0]?.error).toBeTruthy();
    expect(a.client.retrySend(entry.clientId)).toBe(true);
    expect(a.client.outbox()[0]?.status).toBe('sending');
    await eventually(() => expect(a.client.outbox()[0]?.status).toBe('failed'));
    expect(a.client.cancelSend(entry.clientId)).toBe(true);
    expect(a.client.outbox()).toEqual([]);
    // A later message of the conversation is not held up by it.
    a.client.send(conversationId, 'after');
    await eventually(() => expect(b.messages().map((m) => m.body)).toEqual(['after']));
  });

  it('cancel aborts an upload under way: no message, no file kept', async () => {
    const { a, conversationId } = await pair();
    const before = await env.server.running!.store.files.totals();
    let cancelled = false;
    a.client.onOutboxChange((entries) => {
      const entry = entries[0];
      if (!cancelled && entry?.file && entry.file.loaded > 0) {
        cancelled = a.client.cancelSend(entry.clientId);
      }
    });
    a.client.send(conversationId, '', {
      file: { body: bytesOf(MAX_FILE_BYTES, 4), name: 'cancel.bin' },
    });
    await eventually(() => expect(cancelled).toBe(true));
    expect(a.client.outbox()).toEqual([]);
    await sleep(300);
    expect(await env.server.running!.store.files.totals()).toEqual(before);
    const history = await a.client.api.messages.history.query({ conversationId });
    expect(history.messages).toEqual([]);
  });

  it('after a restart, a file not uploaded yet is lost (entry failed); one already uploaded is still sent', async () => {
    const storage = env.fileStorage('files-outbox.json');
    const { a, conversationId } = await pair({ storage });
    await env.server.stop();
    const lost = a.client.send(conversationId, 'lost', {
      file: { body: bytesOf(1000, 5), name: 'a.txt' },
    });
    await a.client.flush();
    a.client.close();
    await env.server.start();
    const restarted = env.client(env.server.url, { ...fast, storage });
    await restarted.client.restore();
    await eventually(() =>
      expect(restarted.client.outbox()[0]).toMatchObject({
        clientId: lost.clientId,
        status: 'failed',
        error: expect.stringContaining('Attach it again'),
      }),
    );
    expect(restarted.client.retrySend(lost.clientId)).toBe(false);
  });
});
