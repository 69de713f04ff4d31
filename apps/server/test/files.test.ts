import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { Attachment } from '@parley/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bytesOf, fileRequest, uploadFile, type FileResponse } from './file-requests.js';
import { attachmentOf, filesOnDisk, storedByteRows } from './stored-files.js';
import { startTestServer, testDialect, type TestServer } from './start-test-server.js';
import { twoProcessDeployment } from './two-process-deployment.js';
import { registerUser, type TestUser } from './test-users.js';

const MiB = 1024 * 1024;

describe(`files (${testDialect})`, () => {
  let test: TestServer;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let conversationId: string;

  beforeAll(async () => {
    test = await startTestServer();
    [alice, bob, carol] = await Promise.all([
      registerUser(test, 'alice'),
      registerUser(test, 'bob'),
      registerUser(test, 'carol'),
    ]);
    conversationId = (await alice.http.conversations.open.mutate({ userId: bob.id })).id;
  });
  afterAll(async () => {
    await test?.dispose();
  });

  const download = (user: TestUser | null, fileId: string, headers: Record<string, string> = {}) =>
    fileRequest(test, `/files/${encodeURIComponent(fileId)}`, {
      token: user?.accessToken ?? null,
      headers,
    });

  /** Ties an upload to a real message of Alice and Bob's conversation, as a send will. */
  const sendWithMessage = async (fileId: string) => {
    const message = await alice.http.messages.send.mutate({
      conversationId,
      clientId: randomUUID(),
      body: 'with a file',
    });
    expect(
      await test.server.store.files.attachToMessage(fileId, alice.id, message.id, conversationId),
    ).toBe(true);
    return message;
  };

  it.each([
    ['1 byte', 1],
    ['1 MiB', MiB],
    ['10 MiB', 10 * MiB],
  ])('round trip of %s is byte-identical', async (_, size) => {
    const bytes = bytesOf(size, size);
    const attachment = attachmentOf(
      await uploadFile(test, alice.accessToken, bytes, {
        name: 'data.bin',
        contentType: 'application/zip',
      }),
    );
    expect(attachment).toEqual({
      fileId: expect.any(String),
      name: 'data.bin',
      size,
      contentType: 'application/zip',
    });
    const response = await download(alice, attachment.fileId);
    expect(response.status).toBe(200);
    expect(response.headers['content-length']).toBe(String(size));
    expect(response.body.equals(bytes)).toBe(true);
  });

  it('refuses 10 MiB + 1 byte with 413 and keeps nothing, announced or found while reading', async () => {
    const before = await test.server.store.files.totals();
    const storedBefore = await storedByteRows(test);
    const tooLarge = bytesOf(10 * MiB + 1, 7);
    for (const chunked of [false, true]) {
      const response = await uploadFile(test, alice.accessToken, tooLarge, {
        name: 'big.zip',
        chunked,
      });
      expect(response.status).toBe(413);
      expect(response.json).toMatchObject({
        error: { code: 'PAYLOAD_TOO_LARGE', limit: 'file-size', limitBytes: 10 * MiB },
      });
    }
    expect(await test.server.store.files.totals()).toEqual(before);
    expect(await storedByteRows(test)).toBe(storedBefore);
    if (test.databaseUrl === null) {
      expect((await filesOnDisk(test)).filter((name) => name.endsWith('.upload'))).toEqual([]);
    }
    // The server is fine afterwards, on a new connection.
    attachmentOf(await uploadFile(test, alice.accessToken, Buffer.from('still here')));
  });

  it('survives uploads cut off at any moment (before, during and after authentication) and keeps none of them', async () => {
    const before = await test.server.store.files.totals();
    const { hostname, port } = new URL(test.url);
    /** Sends the headers and `sentBytes` of a 1 MiB body, waits `afterMs`, then drops the socket. */
    const cutOffUpload = (sentBytes: number, afterMs: number) =>
      new Promise<void>((resolve, reject) => {
        const socket = connect(Number(port), hostname, () => {
          socket.write(
            `POST /files?name=cut.bin HTTP/1.1\r\nHost: ${hostname}\r\n` +
              `Authorization: Bearer ${alice.accessToken}\r\n` +
              `Content-Type: application/zip\r\nContent-Length: ${MiB}\r\n\r\n`,
          );
          if (sentBytes > 0) socket.write(bytesOf(sentBytes, 3));
          setTimeout(() => {
            socket.destroy();
            resolve();
          }, afterMs);
        });
        socket.on('error', reject);
      });
    for (const afterMs of [0, 1, 5, 20]) {
      for (const sentBytes of [0, 1, 64 * 1024, MiB / 2]) {
        await cutOffUpload(sentBytes, afterMs);
      }
    }
    // Give the server the time to notice every close, then check that it is up and kept nothing.
    await delay(300);
    expect(await test.server.store.files.totals()).toEqual(before);
    if (test.databaseUrl === null) {
      expect((await filesOnDisk(test)).filter((name) => name.endsWith('.upload'))).toEqual([]);
    }
    attachmentOf(await uploadFile(test, alice.accessToken, Buffer.from('after the cut-offs')));
  });

  it('answers 401 without a valid token, and 404 for unknown ids', async () => {
    const before = await test.server.store.files.totals();
    expect((await uploadFile(test, null, Buffer.from('x'))).status).toBe(401);
    expect((await uploadFile(test, 'not-a-token', Buffer.from('x'))).status).toBe(401);
    expect(await test.server.store.files.totals()).toEqual(before);
    const attachment = attachmentOf(await uploadFile(test, alice.accessToken, Buffer.from('x')));
    expect((await download(null, attachment.fileId)).status).toBe(401);
    const unknown = await download(alice, randomUUID());
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect((await fileRequest(test, '/files/%E0%A4%A', { token: alice.accessToken })).status).toBe(
      404,
    );
  });

  it('serves an unsent upload to its uploader only; once sent, to both participants, never a third', async () => {
    const bytes = bytesOf(5000, 3);
    const { fileId } = attachmentOf(
      await uploadFile(test, alice.accessToken, bytes, {
        name: 'note.txt',
        contentType: 'text/plain',
      }),
    );
    expect((await download(alice, fileId)).body.equals(bytes)).toBe(true);
    const hidden = await download(bob, fileId);
    expect(hidden.status).toBe(404);
    // The same answer as for an id that does not exist: nothing tells them apart.
    expect(hidden.json).toEqual((await download(bob, randomUUID())).json);

    await sendWithMessage(fileId);
    expect((await download(bob, fileId)).body.equals(bytes)).toBe(true);
    expect((await download(alice, fileId)).status).toBe(200);
    expect((await download(carol, fileId)).status).toBe(404);
  });

  it('serves HTML as an attachment of type octet-stream, sandboxed and not sniffed', async () => {
    const html = Buffer.from('<script>alert(document.cookie)</script>');
    const attachment = attachmentOf(
      await uploadFile(test, alice.accessToken, html, {
        name: '../../evil\u202Egpj.html',
        contentType: 'text/html; charset=utf-8',
      }),
    );
    expect(attachment).toMatchObject({
      name: 'evilgpj.html',
      contentType: 'application/octet-stream',
    });
    const response = await download(alice, attachment.fileId);
    expect(response.status).toBe(200);
    expect(response.headers).toMatchObject({
      'content-type': 'application/octet-stream',
      'content-disposition': `attachment; filename="evilgpj.html"; filename*=UTF-8''evilgpj.html`,
      'x-content-type-options': 'nosniff',
      'content-security-policy': 'sandbox',
      'cache-control': expect.stringContaining('private'),
      etag: expect.stringMatching(/^"[0-9a-f]{64}"$/),
    });
    const svg = attachmentOf(
      await uploadFile(test, alice.accessToken, Buffer.from('<svg/>'), {
        name: 'x.svg',
        contentType: 'image/svg+xml',
      }),
    );
    expect(svg.contentType).toBe('application/octet-stream');
  });

  it('serves a PNG inline with its type and a UTF-8 file name', async () => {
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), bytesOf(2000, 9)]);
    const attachment = attachmentOf(
      await uploadFile(test, alice.accessToken, png, {
        name: 'Été 😀.png',
        contentType: 'image/png',
      }),
    );
    const response = await download(alice, attachment.fileId);
    expect(response.headers['content-type']).toBe('image/png');
    expect(response.headers['content-disposition']).toBe(
      `inline; filename="_t_ _.png"; filename*=UTF-8''%C3%89t%C3%A9%20%F0%9F%98%80.png`,
    );
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.body.equals(png)).toBe(true);
    // HEAD: the same headers, no body; a matching ETag: 304.
    const head = await fileRequest(test, `/files/${attachment.fileId}`, {
      method: 'HEAD',
      token: alice.accessToken,
    });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(png.length));
    expect(head.body.length).toBe(0);
    const cached = await download(alice, attachment.fileId, {
      'if-none-match': response.headers.etag!,
    });
    expect(cached.status).toBe(304);
  });

  it('answers byte ranges with 206, and 416 past the end', async () => {
    const bytes = bytesOf(700_000, 11);
    const { fileId } = attachmentOf(await uploadFile(test, alice.accessToken, bytes));
    const middle = await download(alice, fileId, { range: 'bytes=262000-262999' });
    expect(middle.status).toBe(206);
    expect(middle.headers['content-range']).toBe('bytes 262000-262999/700000');
    expect(middle.headers['content-length']).toBe('1000');
    expect(middle.body.equals(bytes.subarray(262_000, 263_000))).toBe(true);
    const tail = await download(alice, fileId, { range: 'bytes=-10' });
    expect(tail.status).toBe(206);
    expect(tail.body.equals(bytes.subarray(-10))).toBe(true);
    const past = await download(alice, fileId, { range: 'bytes=700000-' });
    expect(past.status).toBe(416);
    expect(past.headers['content-range']).toBe('bytes */700000');
    // A stale If-Range gets the whole file.
    const stale = await download(alice, fileId, { range: 'bytes=0-9', 'if-range': '"old"' });
    expect(stale.status).toBe(200);
    expect(stale.body.length).toBe(700_000);
  });

  it('lets allowed browser origins call it (preflight with Authorization) and refuses others', async () => {
    const origin = test.url;
    const preflight = await fileRequest(test, '/files', {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(origin);
    expect(preflight.headers['access-control-allow-headers']).toMatch(/Authorization/);
    expect(preflight.headers['access-control-allow-methods']).toMatch(/POST/);
    const upload = await fileRequest(test, '/files?name=a.txt', {
      method: 'POST',
      token: alice.accessToken,
      headers: { origin, 'content-type': 'text/plain' },
      body: Buffer.from('from the browser'),
    });
    expect(upload.status).toBe(201);
    expect(upload.headers['access-control-allow-origin']).toBe(origin);
    const { fileId } = upload.json as Attachment;
    const get = await download(alice, fileId, { origin });
    expect(get.headers['access-control-expose-headers']).toMatch(/Content-Disposition/);
    const foreign = await fileRequest(test, '/files', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('reports stored files in /metrics', async () => {
    const totals = await test.server.store.files.totals();
    expect(totals.count).toBeGreaterThan(0);
    const metrics = await fileRequest(test, '/metrics');
    const text = metrics.body.toString('utf8');
    expect(text).toContain(`parley_files_stored ${totals.count}`);
    expect(text).toContain(`parley_files_stored_bytes ${totals.bytes}`);
  });

  it('account deletion removes the unsent uploads and keeps the sent ones', async () => {
    const dave = await registerUser(test, 'dave');
    const erin = await registerUser(test, 'erin');
    const { id } = await dave.http.conversations.open.mutate({ userId: erin.id });
    const sent = attachmentOf(await uploadFile(test, dave.accessToken, Buffer.from('sent one')));
    const unsent = attachmentOf(
      await uploadFile(test, dave.accessToken, Buffer.from('unsent one')),
    );
    const message = await dave.http.messages.send.mutate({
      conversationId: id,
      clientId: randomUUID(),
      body: 'file',
    });
    await test.server.store.files.attachToMessage(sent.fileId, dave.id, message.id, id);
    await dave.http.account.delete.mutate({ password: dave.password });
    expect(await test.server.store.files.findById(unsent.fileId)).toBeNull();
    const kept = await download(erin, sent.fileId);
    expect(kept.status).toBe(200);
    expect(kept.body.toString()).toBe('sent one');
  });

  it('keeps files across a restart', async () => {
    const bytes = bytesOf(300_000, 13);
    const { fileId } = attachmentOf(await uploadFile(test, alice.accessToken, bytes));
    await test.restart();
    const response = await download(alice, fileId);
    expect(response.status).toBe(200);
    expect(response.body.equals(bytes)).toBe(true);
  });
});

describe(`file limits (${testDialect})`, () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.dispose()));
  });

  it('refuses an upload past the user’s storage quota with a clear 413, keeping nothing', async () => {
    const test = await startTestServer({ maxUserStorageBytes: 1.5 * MiB });
    servers.push(test);
    const user = await registerUser(test, 'quota');
    attachmentOf(await uploadFile(test, user.accessToken, bytesOf(MiB)));
    const before = await test.server.store.files.totals();
    for (const chunked of [false, true]) {
      const refused = await uploadFile(test, user.accessToken, bytesOf(MiB, 2), { chunked });
      expect(refused.status).toBe(413);
      expect(refused.json).toMatchObject({
        error: {
          code: 'PAYLOAD_TOO_LARGE',
          limit: 'storage-quota',
          limitBytes: 1.5 * MiB,
          message: expect.stringContaining('storage is full'),
        },
      });
    }
    expect(await test.server.store.files.totals()).toEqual(before);
    // Another user's quota is their own.
    const other = await registerUser(test, 'other');
    attachmentOf(await uploadFile(test, other.accessToken, bytesOf(MiB, 3)));
  });

  it('counts uploads in the per-user request limit: 429 with Retry-After', async () => {
    const test = await startTestServer({ requestsPerMinute: 3 });
    servers.push(test);
    const user = await registerUser(test, 'rate');
    const statuses: number[] = [];
    let last: FileResponse | null = null;
    for (let i = 0; i < 4; i += 1) {
      last = await uploadFile(test, user.accessToken, Buffer.from(`file ${i}`));
      statuses.push(last.status);
    }
    expect(statuses).toEqual([201, 201, 201, 429]);
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    expect(last!.json).toMatchObject({ error: { code: 'TOO_MANY_REQUESTS' } });
  });

  it('removes uploads not sent within 24 hours, at start and every interval (clock injected)', async () => {
    let now = Date.now();
    const test = await startTestServer({ now: () => now, fileCleanupIntervalMs: 50 });
    servers.push(test);
    const [owner, peer] = await Promise.all([
      registerUser(test, 'owner'),
      registerUser(test, 'peer'),
    ]);
    const { id } = await owner.http.conversations.open.mutate({ userId: peer.id });
    const unsent = attachmentOf(await uploadFile(test, owner.accessToken, Buffer.from('unsent')));
    const sent = attachmentOf(await uploadFile(test, owner.accessToken, Buffer.from('sent')));
    const message = await owner.http.messages.send.mutate({
      conversationId: id,
      clientId: randomUUID(),
      body: 'file',
    });
    await test.server.store.files.attachToMessage(sent.fileId, owner.id, message.id, id);
    const exists = async (fileId: string) =>
      (await test.server.store.files.findById(fileId)) !== null;

    now += 24 * 3600 * 1000 - 60_000;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await exists(unsent.fileId)).toBe(true);

    now += 120_000;
    const deadline = Date.now() + 5000;
    while ((await exists(unsent.fileId)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await exists(unsent.fileId)).toBe(false);
    expect(await exists(sent.fileId)).toBe(true);
    expect(
      (await fileRequest(test, `/files/${unsent.fileId}`, { token: owner.accessToken })).status,
    ).toBe(404);
  });
});

describe.skipIf(testDialect !== 'postgres')(
  'files across two server processes (PostgreSQL)',
  () => {
    const deployment = twoProcessDeployment();

    it('serves through one process what was uploaded through the other (no shared disk)', async () => {
      const user = await registerUser(deployment.first(), 'cluster');
      const bytes = bytesOf(3 * MiB + 17, 21);
      const { fileId } = attachmentOf(
        await uploadFile(deployment.first(), user.accessToken, bytes, {
          name: 'scan.pdf',
          contentType: 'application/pdf',
        }),
      );
      const response = await fileRequest(deployment.second(), `/files/${fileId}`, {
        token: user.accessToken,
      });
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('application/pdf');
      expect(response.body.equals(bytes)).toBe(true);
      const range = await fileRequest(deployment.second(), `/files/${fileId}`, {
        token: user.accessToken,
        headers: { range: `bytes=${MiB}-${MiB + 99}` },
      });
      expect(range.body.equals(bytes.subarray(MiB, MiB + 100))).toBe(true);
    });
  },
);
