import type { AuthResult } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { describeError } from './describe-error.js';
import { FileTransferError } from './file-transfer-error.js';
import type { AppRouter } from '@parley/api';
import { createTRPCClient, httpLink } from '@trpc/client';
import { AuthSession } from './auth-session.js';
import { createParleyFiles, fileNameOf } from './parley-files.js';
import { memoryStorage } from './storage.js';
import { eventually, password, username } from '../test/test-clients.js';
import { testEnvironment } from '../test/test-environment.js';

const MAX_FILE_BYTES = 4 * 1024 * 1024;
const env = testEnvironment({ server: { maxFileBytes: MAX_FILE_BYTES } });

const bytesOf = (size: number, seed = 1) => {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 1) bytes[i] = (i * 7 + seed * 13 + (i >> 10)) & 0xff;
  return bytes;
};

const storedFiles = () => env.server.running!.store.files.totals();

async function signedIn(prefix = 'files') {
  const test = env.client(env.server.url);
  await test.client.register(username(prefix), password);
  return test;
}

describe('client.files', () => {
  it('uploads bytes with progress and downloads them identical, with name and type', async () => {
    const { client } = await signedIn();
    const bytes = bytesOf(3 * 1024 * 1024 + 5);
    const progress: Array<{ loaded: number; total: number }> = [];
    const attachment = await client.files.upload(bytes, {
      name: 'Rapport été.pdf',
      contentType: 'application/pdf',
      onProgress: (step) => progress.push(step),
    });
    expect(attachment).toEqual({
      fileId: expect.any(String),
      name: 'Rapport été.pdf',
      size: bytes.byteLength,
      contentType: 'application/pdf',
    });
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toEqual({ loaded: bytes.byteLength, total: bytes.byteLength });
    expect(progress.every((step, i) => i === 0 || step.loaded >= progress[i - 1]!.loaded)).toBe(
      true,
    );

    const file = await client.files.download(attachment.fileId);
    expect(file).toMatchObject({
      name: 'Rapport été.pdf',
      contentType: 'application/pdf',
      size: bytes.byteLength,
    });
    expect(Buffer.from(file.bytes).equals(Buffer.from(bytes))).toBe(true);
  });

  it('takes a Blob, its type as the content type', async () => {
    const { client } = await signedIn();
    const blob = new Blob(['hello, plain text'], { type: 'text/plain' });
    const attachment = await client.files.upload(blob, { name: 'hello.txt' });
    expect(attachment).toMatchObject({ contentType: 'text/plain', size: 17 });
    const file = await client.files.download(attachment.fileId);
    expect(new TextDecoder().decode(file.bytes)).toBe('hello, plain text');
  });

  it('reports refusals as FileTransferError: too large, not found', async () => {
    const { client } = await signedIn();
    const tooLarge = await client.files
      .upload(bytesOf(MAX_FILE_BYTES + 1), { name: 'big.bin' })
      .catch((error: unknown) => error);
    expect(tooLarge).toBeInstanceOf(FileTransferError);
    expect(tooLarge).toMatchObject({
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
      details: { limit: 'file-size', limitBytes: MAX_FILE_BYTES },
    });
    expect(describeError(tooLarge)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', httpStatus: 413 });

    const peer = await signedIn('peer');
    const { fileId } = await client.files.upload(bytesOf(10), { name: 'mine.bin' });
    const hidden = await peer.client.files.download(fileId).catch((error: unknown) => error);
    expect(hidden).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('cancels an upload with an AbortSignal; the server keeps nothing of it', async () => {
    const { client } = await signedIn();
    const before = await storedFiles();
    const controller = new AbortController();
    const upload = client.files.upload(bytesOf(MAX_FILE_BYTES), {
      name: 'cancelled.bin',
      signal: controller.signal,
      onProgress: ({ loaded }) => {
        if (loaded >= 256 * 1024) controller.abort();
      },
    });
    await expect(upload).rejects.toMatchObject({ name: 'AbortError' });
    await eventually(async () => expect(await storedFiles()).toEqual(before));
    const aborted = new AbortController();
    aborted.abort();
    await expect(
      client.files.upload(bytesOf(10), { name: 'x', signal: aborted.signal }),
    ).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('refreshes a refused access token once and retries', async () => {
    const storage = memoryStorage();
    const first = env.client(env.server.url, { storage });
    await first.client.register(username('stale'), password);
    await first.client.flush();
    first.client.close();
    const auth = JSON.parse((await storage.getItem('parley:auth'))!) as AuthResult;
    await storage.setItem(
      'parley:auth',
      JSON.stringify({ ...auth, accessToken: `${auth.accessToken.slice(0, -4)}AAAA` }),
    );
    // Only the files API uses this session: the upload is the first to meet the refused token.
    const publicApi = createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${env.server.url}/trpc` })],
    });
    const session = new AuthSession({
      storage,
      key: 'parley:auth',
      refresh: (refreshToken) => publicApi.auth.refresh.mutate({ refreshToken }),
    });
    await session.load();
    const files = createParleyFiles({ baseUrl: env.server.url, session });
    const attachment = await files.upload(bytesOf(100), { name: 'after.bin' });
    expect(attachment.size).toBe(100);
    expect(session.refreshCount).toBe(1);
    expect((await files.download(attachment.fileId)).size).toBe(100);
    expect(session.refreshCount).toBe(1);
    session.close();
  });

  it('needs a signed-in user', async () => {
    const test = env.client(env.server.url);
    await expect(test.client.files.upload(bytesOf(1), { name: 'x' })).rejects.toMatchObject({
      status: 401,
      code: 'UNAUTHORIZED',
    });
  });
});

describe('fileNameOf', () => {
  it('prefers filename* and falls back to the quoted name', () => {
    expect(fileNameOf(`inline; filename="_t_.png"; filename*=UTF-8''%C3%89t%C3%A9.png`)).toBe(
      'Été.png',
    );
    expect(fileNameOf('attachment; filename="plain.txt"')).toBe('plain.txt');
    expect(fileNameOf(null)).toBeNull();
  });
});
