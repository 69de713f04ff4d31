import { randomUUID } from 'node:crypto';
import type { Message } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf } from './clients.js';
import { bytesOf, fileRequest, uploadFile } from './file-requests.js';
import {
  startTestServer,
  testDialect,
  type ServerEndpoint,
  type TestServer,
} from './start-test-server.js';
import { attachmentOf, storedByteRows } from './stored-files.js';
import { messagesIn, recordEvents, registerUser, type TestUser } from './test-users.js';
import { twoProcessDeployment } from './two-process-deployment.js';

const upload = async (
  endpoint: ServerEndpoint,
  user: TestUser,
  bytes: Buffer,
  name = 'photo.png',
  contentType = 'image/png',
) => attachmentOf(await uploadFile(endpoint, user.accessToken, bytes, { name, contentType }));

const download = (endpoint: ServerEndpoint, user: TestUser, fileId: string) =>
  fileRequest(endpoint, `/files/${encodeURIComponent(fileId)}`, { token: user.accessToken });

describe(`files sent in messages (${testDialect})`, () => {
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

  const send = (from: TestUser, fileId: string | undefined, body = '', clientId = randomUUID()) =>
    from.http.messages.send.mutate({
      conversationId,
      clientId,
      body,
      ...(fileId === undefined ? {} : { fileId }),
    });
  const historyOf = async (user: TestUser) =>
    (await user.http.messages.history.query({ conversationId })).messages;

  it('reaches the recipient live and in history with its attachment; they download it identical, a third user gets 404', async () => {
    const bytes = bytesOf(700_000, 3);
    const attachment = await upload(test, alice, bytes, 'holiday.png');
    const events = recordEvents(test, bob);
    await events.started;
    const message = await send(alice, attachment.fileId);
    expect(message.body).toBe('');
    expect(message.attachment).toEqual(attachment);

    const seen = await events.waitFor((all) =>
      messagesIn(all).some((received) => received.id === message.id),
    );
    await events.stop();
    expect(messagesIn(seen).find((received) => received.id === message.id)?.attachment).toEqual(
      attachment,
    );
    expect((await historyOf(bob)).find((m) => m.id === message.id)?.attachment).toEqual(attachment);
    const [listed] = await bob.http.conversations.list.query();
    expect(listed?.lastMessage?.attachment).toEqual(attachment);

    const downloaded = await download(test, bob, attachment.fileId);
    expect(downloaded.status).toBe(200);
    expect(downloaded.body.equals(bytes)).toBe(true);
    expect((await download(test, carol, attachment.fileId)).status).toBe(404);
  });

  it('carries a caption and shows the attachment in search hits', async () => {
    const attachment = await upload(
      test,
      alice,
      Buffer.from('%PDF-1.4 tiny'),
      'plan.pdf',
      'application/pdf',
    );
    const message = await send(alice, attachment.fileId, 'the zeppelin plan');
    const { results } = await bob.http.messages.search.query({ query: 'zeppelin' });
    expect(results.find((hit) => hit.message.id === message.id)?.message.attachment).toEqual(
      attachment,
    );
  });

  it('refuses another user’s upload, an already sent one and an unknown id (BAD_REQUEST, fieldErrors.fileId), storing nothing', async () => {
    const bobs = await upload(test, bob, bytesOf(100, 4));
    const sent = await upload(test, alice, bytesOf(100, 5));
    await send(alice, sent.fileId);
    // A message's status moves on its own (pending → sent after its push), so only what is stored counts.
    const storedMessages = async () =>
      (await historyOf(alice)).map(({ status: _status, ...stored }) => stored);
    const before = await storedMessages();
    for (const fileId of [bobs.fileId, sent.fileId, randomUUID()]) {
      const error = await errorOf(send(alice, fileId, 'refused'));
      expect(error.data?.code).toBe('BAD_REQUEST');
      expect(error.data?.fieldErrors?.fileId).toBeDefined();
    }
    expect(await storedMessages()).toEqual(before);
    // Bob's upload stays his and unsent: he can still send it.
    const bobsMessage = await bob.http.messages.send.mutate({
      conversationId,
      clientId: randomUUID(),
      body: '',
      fileId: bobs.fileId,
    });
    expect(bobsMessage.attachment?.fileId).toBe(bobs.fileId);
  });

  it('a retried clientId answers the stored message and attaches nothing more', async () => {
    const first = await upload(test, alice, bytesOf(200, 6));
    const second = await upload(test, alice, bytesOf(200, 7));
    const clientId = randomUUID();
    const original = await send(alice, first.fileId, 'once', clientId);
    const retried = await send(alice, first.fileId, 'once', clientId);
    const withOther = await send(alice, second.fileId, 'once', clientId);
    expect(retried).toEqual(original);
    expect(withOther).toEqual(original);
    expect((await historyOf(alice)).filter((m) => m.clientId === clientId)).toHaveLength(1);
    expect(await test.server.store.files.findById(second.fileId)).toMatchObject({
      messageId: null,
    });
    // The uploader can still download it, nobody else.
    expect((await download(test, alice, second.fileId)).status).toBe(200);
    expect((await download(test, bob, second.fileId)).status).toBe(404);
  });

  it('deleting the message removes its file: tombstone without attachment, 404, bytes gone', async () => {
    const bytes = bytesOf(400_000, 8);
    const attachment = await upload(test, alice, bytes, 'gone.png');
    const storedBefore = await storedByteRows(test);
    const message = await send(alice, attachment.fileId, 'soon gone');
    const events = recordEvents(test, bob);
    await events.started;
    await alice.http.messages.delete.mutate({ messageId: message.id });
    const seen = await events.waitFor((all) =>
      all.some(({ event }) => event.type === 'message-updated' && event.message.id === message.id),
    );
    await events.stop();
    const tombstone = seen.flatMap(({ event }) =>
      event.type === 'message-updated' && event.message.id === message.id ? [event.message] : [],
    )[0] as Message;
    expect(tombstone).toMatchObject({ body: '', attachment: null });
    expect(tombstone.deletedAt).not.toBeNull();
    expect((await historyOf(bob)).find((m) => m.id === message.id)?.attachment).toBeNull();
    for (const user of [alice, bob]) {
      expect((await download(test, user, attachment.fileId)).status).toBe(404);
    }
    expect(await test.server.store.files.findById(attachment.fileId)).toBeNull();
    // The stored bytes are gone (the upload added one blob or its chunks; the delete took them).
    expect(await storedByteRows(test)).toBeLessThan(storedBefore);
    // Deleting again is fine.
    await alice.http.messages.delete.mutate({ messageId: message.id });
  });

  it('account deletion keeps the files already sent for the peer', async () => {
    const dave = await registerUser(test, 'dave');
    const erin = await registerUser(test, 'erin');
    const { id } = await dave.http.conversations.open.mutate({ userId: erin.id });
    const bytes = bytesOf(50_000, 9);
    const attachment = await upload(test, dave, bytes, 'keep.pdf', 'application/pdf');
    await dave.http.messages.send.mutate({
      conversationId: id,
      clientId: randomUUID(),
      body: '',
      fileId: attachment.fileId,
    });
    await dave.http.account.delete.mutate({ password: dave.password });
    const [message] = (await erin.http.messages.history.query({ conversationId: id })).messages;
    expect(message).toMatchObject({ anonymized: true, attachment });
    const kept = await download(test, erin, attachment.fileId);
    expect(kept.status).toBe(200);
    expect(kept.body.equals(bytes)).toBe(true);
  });
});

describe.skipIf(testDialect !== 'postgres')(
  'files sent across two server processes (PostgreSQL)',
  () => {
    const deployment = twoProcessDeployment();

    it('a file sent through one process reaches the peer on the other, who downloads it there', async () => {
      const [sender, peer] = await Promise.all([
        registerUser(deployment.first(), 'sender'),
        registerUser(deployment.second(), 'peer'),
      ]);
      const { id } = await sender.http.conversations.open.mutate({ userId: peer.id });
      const bytes = bytesOf(2 * 1024 * 1024 + 5, 31);
      const attachment = await upload(
        deployment.first(),
        sender,
        bytes,
        'report.pdf',
        'application/pdf',
      );
      const events = recordEvents(deployment.second(), peer);
      await events.started;
      const message = await sender.http.messages.send.mutate({
        conversationId: id,
        clientId: randomUUID(),
        body: 'the report',
        fileId: attachment.fileId,
      });
      const seen = await events.waitFor((all) =>
        messagesIn(all).some((received) => received.id === message.id),
      );
      await events.stop();
      expect(messagesIn(seen).find((m) => m.id === message.id)?.attachment).toEqual(attachment);
      const downloaded = await download(deployment.second(), peer, attachment.fileId);
      expect(downloaded.status).toBe(200);
      expect(downloaded.body.equals(bytes)).toBe(true);
    });
  },
);
