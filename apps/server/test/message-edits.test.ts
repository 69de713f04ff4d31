import { randomUUID } from 'node:crypto';
import type { ChatEvent, Message } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, httpClient } from './clients.js';
import { startTestServer, type TestServer } from './start-test-server.js';
import { recordEvents, registerUser, type TestUser, type TrackedEvent } from './test-users.js';

// Release 2: edit, delete for everyone, replies (docs/api.md), over real sockets.
let test: TestServer;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let conversationId: string;
let aliceCarol: string;

beforeAll(async () => {
  test = await startTestServer({ requestsPerMinute: 100_000 });
  [alice, bob, carol] = await Promise.all([
    registerUser(test, 'alice'),
    registerUser(test, 'bob'),
    registerUser(test, 'carol'),
  ]);
  conversationId = (await alice.http.conversations.open.mutate({ userId: bob.id })).id;
  aliceCarol = (await alice.http.conversations.open.mutate({ userId: carol.id })).id;
});
afterAll(() => test.dispose());

const send = (user: TestUser, body: string, extra: { replyToId?: string } = {}) =>
  user.http.messages.send.mutate({ conversationId, clientId: randomUUID(), body, ...extra });
const history = async (user: TestUser) =>
  (await user.http.messages.history.query({ conversationId, limit: 100 })).messages;
const inHistory = async (user: TestUser, id: string): Promise<Message | undefined> =>
  (await history(user)).find((message) => message.id === id);
const searchIds = async (user: TestUser, query: string) =>
  (await user.http.messages.search.query({ query })).results.map((hit) => hit.message.id);
const updatesOf = (events: TrackedEvent[], id: string) =>
  events.flatMap(({ event }) =>
    event.type === 'message-updated' && event.message.id === id ? [event.message] : [],
  );

describe('messages.edit', () => {
  it('lets the sender change the body: editedAt set, search finds the new text only', async () => {
    const original = await send(alice, 'meet at the albatross pier');
    const before = Date.now();
    const edited = await alice.http.messages.edit.mutate({
      messageId: original.id,
      body: '  meet at the pelican pier  ',
    });
    expect(edited).toMatchObject({
      id: original.id,
      clientId: original.clientId,
      body: '  meet at the pelican pier  ',
      deletedAt: null,
      createdAt: original.createdAt,
    });
    expect(edited.editedAt).toBeGreaterThanOrEqual(before);
    expect(await inHistory(bob, original.id)).toMatchObject({
      body: '  meet at the pelican pier  ',
      editedAt: edited.editedAt,
    });
    expect(await searchIds(bob, 'pelican')).toEqual([original.id]);
    expect(await searchIds(bob, 'albatross')).toEqual([]);
  });

  it('refuses someone else’s message and unknown ids (FORBIDDEN), and bodies that send refuses', async () => {
    const message = await send(alice, 'mine to change');
    for (const call of [
      () => bob.http.messages.edit.mutate({ messageId: message.id, body: 'hijacked' }),
      () => carol.http.messages.edit.mutate({ messageId: message.id, body: 'hijacked' }),
      () => alice.http.messages.edit.mutate({ messageId: '987654321', body: 'nothing' }),
    ]) {
      expect((await errorOf(call())).data?.code).toBe('FORBIDDEN');
    }
    for (const body of ['', '   ', '😀'.repeat(5001)]) {
      const error = await errorOf(alice.http.messages.edit.mutate({ messageId: message.id, body }));
      expect(error.data?.code).toBe('BAD_REQUEST');
      expect(error.data?.fieldErrors?.body).toBeDefined();
    }
    expect(await inHistory(bob, message.id)).toMatchObject({
      body: 'mine to change',
      editedAt: null,
    });
  });

  it('refuses an edit past EDIT_WINDOW_SECONDS (FORBIDDEN)', async () => {
    const short = await startTestServer({ editWindowSeconds: 1 });
    try {
      const [dana, erin] = await Promise.all([
        registerUser(short, 'dana'),
        registerUser(short, 'erin'),
      ]);
      const id = (await dana.http.conversations.open.mutate({ userId: erin.id })).id;
      const message = await dana.http.messages.send.mutate({
        conversationId: id,
        clientId: randomUUID(),
        body: 'typo here',
      });
      await dana.http.messages.edit.mutate({ messageId: message.id, body: 'no typo' });
      await new Promise((resolve) => setTimeout(resolve, 1300));
      const late = await errorOf(
        dana.http.messages.edit.mutate({ messageId: message.id, body: 'too late' }),
      );
      expect(late.data?.code).toBe('FORBIDDEN');
      expect(late.message).toMatch(/too old/);
      // Deleting has no window.
      expect(await dana.http.messages.delete.mutate({ messageId: message.id })).toEqual({
        ok: true,
      });
    } finally {
      await short.dispose();
    }
  });
});

describe('messages.delete', () => {
  it('erases the body for everyone and leaves a tombstone; only the sender; twice is ok', async () => {
    const message = await send(alice, 'the combination is gooseberry');
    for (const call of [
      () => bob.http.messages.delete.mutate({ messageId: message.id }),
      () => carol.http.messages.delete.mutate({ messageId: message.id }),
      () => alice.http.messages.delete.mutate({ messageId: '987654321' }),
    ]) {
      expect((await errorOf(call())).data?.code).toBe('FORBIDDEN');
    }
    const before = Date.now();
    expect(await alice.http.messages.delete.mutate({ messageId: message.id })).toEqual({
      ok: true,
    });
    expect(await alice.http.messages.delete.mutate({ messageId: message.id })).toEqual({
      ok: true,
    });
    for (const viewer of [alice, bob]) {
      const tombstone = await inHistory(viewer, message.id);
      expect(tombstone).toMatchObject({ id: message.id, body: '', senderId: alice.id });
      expect(tombstone?.deletedAt).toBeGreaterThanOrEqual(before);
    }
    expect(await searchIds(bob, 'gooseberry')).toEqual([]);
    const edit = await errorOf(
      alice.http.messages.edit.mutate({ messageId: message.id, body: 'x' }),
    );
    expect(edit.data?.code).toBe('BAD_REQUEST');
    const { lastMessage } = await bob.http.conversations.get.query({ conversationId });
    expect(lastMessage).toMatchObject({ id: message.id, body: '' });
    expect(lastMessage?.deletedAt).toBeGreaterThanOrEqual(before);
  });
});

describe('replies', () => {
  it('quote the original as it is now: first 100 code points, following edits, then deleted', async () => {
    const long = `${'🦊'.repeat(120)} tail`;
    const original = await send(alice, long);
    const reply = await send(bob, 'that fox!', { replyToId: original.id });
    expect(reply.replyTo).toEqual({
      id: original.id,
      senderName: alice.username,
      excerpt: '🦊'.repeat(100),
      deleted: false,
    });

    await alice.http.messages.edit.mutate({ messageId: original.id, body: 'a short fox' });
    expect((await inHistory(alice, reply.id))?.replyTo).toEqual({
      id: original.id,
      senderName: alice.username,
      excerpt: 'a short fox',
      deleted: false,
    });

    await alice.http.messages.delete.mutate({ messageId: original.id });
    expect((await inHistory(bob, reply.id))?.replyTo).toEqual({
      id: original.id,
      senderName: alice.username,
      excerpt: '',
      deleted: true,
    });
    expect((await inHistory(bob, reply.id))?.body).toBe('that fox!');
  });

  it('must name a message of the same conversation (BAD_REQUEST, fieldErrors.replyToId)', async () => {
    const elsewhere = await alice.http.messages.send.mutate({
      conversationId: aliceCarol,
      clientId: randomUUID(),
      body: 'for carol',
    });
    for (const replyToId of [elsewhere.id, '987654321']) {
      const error = await errorOf(send(bob, 'a reply', { replyToId }));
      expect(error.data?.code).toBe('BAD_REQUEST');
      expect(error.data?.fieldErrors?.replyToId).toBeDefined();
    }
    // Nothing was stored.
    expect((await history(bob)).some((message) => message.body === 'a reply')).toBe(false);
  });

  it('refuses a fileId that names no upload of the caller’s', async () => {
    const error = await errorOf(
      alice.http.messages.send.mutate({
        conversationId,
        clientId: randomUUID(),
        body: '',
        fileId: 'no-such-upload',
      }),
    );
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(error.data?.fieldErrors?.fileId).toBeDefined();
  });
});

describe('message-updated events', () => {
  it('reach the peer and the sender’s other session within 1 s, for edits and deletes', async () => {
    const login = await httpClient(test).auth.login.mutate({
      username: alice.username,
      password: alice.password,
    });
    const aliceElsewhere: TestUser = { ...alice, accessToken: login.accessToken };
    const otherSession = recordEvents(test, aliceElsewhere);
    const peer = recordEvents(test, bob);
    try {
      await Promise.all([otherSession.started, peer.started]);
      const message = await send(alice, 'draft one');

      const editedAt = performance.now();
      await alice.http.messages.edit.mutate({ messageId: message.id, body: 'draft two' });
      for (const recorder of [otherSession, peer]) {
        await recorder.waitFor(
          (events) => updatesOf(events, message.id).some((m) => m.body === 'draft two'),
          1000,
        );
      }
      expect(performance.now() - editedAt).toBeLessThan(1000);

      const deletedAt = performance.now();
      await alice.http.messages.delete.mutate({ messageId: message.id });
      for (const recorder of [otherSession, peer]) {
        await recorder.waitFor(
          (events) => updatesOf(events, message.id).some((m) => m.deletedAt !== null),
          1000,
        );
        const last = updatesOf(recorder.events, message.id).at(-1);
        expect(last).toMatchObject({ body: '', senderId: alice.id });
      }
      expect(performance.now() - deletedAt).toBeLessThan(1000);
    } finally {
      await Promise.all([otherSession.stop(), peer.stop()]);
    }
  });

  it('replayed after a reconnect carry the tombstone, never the old or edited text', async () => {
    const first = recordEvents(test, bob);
    await first.started;
    const marker = await send(alice, 'marker before');
    await first.waitFor((events) =>
      events.some(({ event }) => event.type === 'message' && event.message.id === marker.id),
    );
    const resumeFrom = first.events.at(-1)!.id;
    await first.stop();

    const message = await send(alice, 'first text wombat');
    await alice.http.messages.edit.mutate({ messageId: message.id, body: 'second text numbat' });
    await alice.http.messages.delete.mutate({ messageId: message.id });

    const resumed = recordEvents(test, bob, resumeFrom);
    try {
      const events = await resumed.waitFor(
        (seen) => updatesOf(seen, message.id).length === 2,
        3000,
      );
      const about = events
        .map(({ event }) => event)
        .filter(
          (event: ChatEvent) =>
            (event.type === 'message' || event.type === 'message-updated') &&
            event.message.id === message.id,
        );
      expect(about.map((event) => event.type)).toEqual([
        'message',
        'message-updated',
        'message-updated',
      ]);
      for (const event of about) {
        if (event.type !== 'message' && event.type !== 'message-updated') continue;
        expect(event.message.body).toBe('');
        expect(event.message.deletedAt).not.toBeNull();
      }
      const wire = JSON.stringify(events);
      expect(wire).not.toContain('wombat');
      expect(wire).not.toContain('numbat');
    } finally {
      await resumed.stop();
    }
  });
});
