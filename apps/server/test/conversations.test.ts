import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf } from './clients.js';
import { startTestServer, type TestServer } from './start-test-server.js';
import { recordEvents, registerUser, type TestUser } from './test-users.js';

let test: TestServer;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;

beforeAll(async () => {
  test = await startTestServer();
  [alice, bob, carol] = await Promise.all([
    registerUser(test, 'alice'),
    registerUser(test, 'bob'),
    registerUser(test, 'carol'),
  ]);
});
afterAll(() => test.dispose());

describe('conversations.open', () => {
  it('is BAD_REQUEST with yourself and NOT_FOUND with an unknown user', async () => {
    const self = await errorOf(alice.http.conversations.open.mutate({ userId: alice.id }));
    expect(self.data?.code).toBe('BAD_REQUEST');
    expect(self.message).toMatch(/yourself/);
    const unknown = await errorOf(alice.http.conversations.open.mutate({ userId: randomUUID() }));
    expect(unknown.data?.code).toBe('NOT_FOUND');
  });

  it('gives one conversation per pair, whoever opens it, also when both open at once', async () => {
    const first = await alice.http.conversations.open.mutate({ userId: bob.id });
    const second = await bob.http.conversations.open.mutate({ userId: alice.id });
    expect(second.id).toBe(first.id);
    expect(first.peer).toMatchObject({ id: bob.id, username: bob.username, deleted: false });
    expect(second.peer).toMatchObject({ id: alice.id, username: alice.username });

    const [dave, erin] = await Promise.all([
      registerUser(test, 'dave'),
      registerUser(test, 'erin'),
    ]);
    const opened = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        i % 2 === 0
          ? dave.http.conversations.open.mutate({ userId: erin.id })
          : erin.http.conversations.open.mutate({ userId: dave.id }),
      ),
    );
    expect(new Set(opened.map((conversation) => conversation.id)).size).toBe(1);
    expect(await dave.http.conversations.list.query()).toHaveLength(1);
  });

  it('tells the peer with a conversation event', async () => {
    const [frank, grace] = await Promise.all([
      registerUser(test, 'frank'),
      registerUser(test, 'grace'),
    ]);
    const graceEvents = recordEvents(test, grace);
    try {
      await graceEvents.started;
      const conversation = await frank.http.conversations.open.mutate({ userId: grace.id });
      const seen = await graceEvents.waitFor((events) =>
        events.some((e) => e.event.type === 'conversation'),
      );
      const event = seen.find((e) => e.event.type === 'conversation')?.event;
      expect(event).toMatchObject({
        type: 'conversation',
        conversation: { id: conversation.id, peer: { id: frank.id, username: frank.username } },
      });
    } finally {
      await graceEvents.stop();
    }
  });
});

describe('conversations.list and markRead', () => {
  it('lists peer, last message and unread count, most recent activity first', async () => {
    const [me, peer1, peer2] = await Promise.all([
      registerUser(test, 'lister'),
      registerUser(test, 'peer1'),
      registerUser(test, 'peer2'),
    ]);
    const c1 = await me.http.conversations.open.mutate({ userId: peer1.id });
    const c2 = await me.http.conversations.open.mutate({ userId: peer2.id });
    await peer1.http.messages.send.mutate({
      conversationId: c1.id,
      clientId: randomUUID(),
      body: 'one',
    });
    await peer1.http.messages.send.mutate({
      conversationId: c1.id,
      clientId: randomUUID(),
      body: 'two',
    });
    const last = await peer2.http.messages.send.mutate({
      conversationId: c2.id,
      clientId: randomUUID(),
      body: 'newest',
    });

    const list = await me.http.conversations.list.query();
    expect(list.map((c) => c.id)).toEqual([c2.id, c1.id]);
    expect(list[0]).toMatchObject({ unreadCount: 1, lastMessage: { id: last.id, body: 'newest' } });
    expect(list[1]).toMatchObject({
      unreadCount: 2,
      lastMessage: { body: 'two' },
      peer: { username: peer1.username },
    });

    const history = await me.http.messages.history.query({ conversationId: c1.id });
    const marked = await me.http.conversations.markRead.mutate({
      conversationId: c1.id,
      upToMessageId: history.messages[0]!.id,
    });
    expect(marked.unreadCount).toBe(1);
    const all = await me.http.conversations.markRead.mutate({
      conversationId: c1.id,
      upToMessageId: history.messages[1]!.id,
    });
    expect(all.unreadCount).toBe(0);
    // A late, older marker does not move the read position back.
    const late = await me.http.conversations.markRead.mutate({
      conversationId: c1.id,
      upToMessageId: history.messages[0]!.id,
    });
    expect(late.unreadCount).toBe(0);
    expect((await me.http.conversations.get.query({ conversationId: c1.id })).unreadCount).toBe(0);
    // The sender's own messages never count as unread for them.
    expect((await peer1.http.conversations.get.query({ conversationId: c1.id })).unreadCount).toBe(
      0,
    );
  });
});

describe('a third user', () => {
  it('is FORBIDDEN by every procedure naming the conversation, and unknown ids look the same', async () => {
    const conversation = await alice.http.conversations.open.mutate({ userId: bob.id });
    const sent = await alice.http.messages.send.mutate({
      conversationId: conversation.id,
      clientId: randomUUID(),
      body: 'for bob only',
    });
    for (const conversationId of [conversation.id, randomUUID()]) {
      const calls = [
        () => carol.http.conversations.get.query({ conversationId }),
        () => carol.http.conversations.markRead.mutate({ conversationId, upToMessageId: sent.id }),
        () =>
          carol.http.messages.send.mutate({ conversationId, clientId: randomUUID(), body: 'hi' }),
        () => carol.http.messages.history.query({ conversationId }),
        () => carol.http.messages.search.query({ query: 'bob', conversationId }),
      ];
      for (const call of calls) {
        const error = await errorOf(call());
        expect(error.data?.code).toBe('FORBIDDEN');
        expect(error.message).not.toMatch(/bob only/);
      }
    }
    // Acknowledging someone else's message changes nothing.
    expect(await carol.http.messages.ack.mutate({ messageIds: [sent.id] })).toEqual({
      delivered: [],
    });
    const [stored] = (
      await bob.http.messages.history.query({ conversationId: conversation.id })
    ).messages.filter((message) => message.id === sent.id);
    expect(stored?.status).toBe('pending');
  });

  it('never sees their events', async () => {
    const carolEvents = recordEvents(test, carol);
    try {
      await carolEvents.started;
      const conversation = await alice.http.conversations.open.mutate({ userId: bob.id });
      for (let i = 0; i < 5; i++) {
        await alice.http.messages.send.mutate({
          conversationId: conversation.id,
          clientId: randomUUID(),
          body: `secret ${i}`,
        });
      }
      // A marker of Carol's own proves her stream is live and has caught up past Alice's sends.
      const own = await carol.http.conversations.open.mutate({ userId: alice.id });
      await alice.http.messages.send.mutate({
        conversationId: own.id,
        clientId: randomUUID(),
        body: 'to carol',
      });
      const events = await carolEvents.waitFor((seen) =>
        seen.some((e) => e.event.type === 'message' && e.event.message.body === 'to carol'),
      );
      for (const { event } of events) {
        const conversationId =
          event.type === 'conversation'
            ? event.conversation.id
            : event.type === 'message' || event.type === 'message-updated'
              ? event.message.conversationId
              : event.conversationId;
        expect(conversationId).toBe(own.id);
      }
    } finally {
      await carolEvents.stop();
    }
  });
});

describe('users.search', () => {
  it('matches a username prefix without regard to case, without the caller, with online flags', async () => {
    const stem = `zed${Date.now().toString(36)}`;
    const [zed1, zed2] = await Promise.all([
      registerUser(test, `${stem}A`),
      registerUser(test, `${stem}b`),
    ]);
    const found = await zed1.http.users.search.query({ query: stem.toUpperCase() });
    expect(found.map((user) => user.id)).toEqual([zed2.id]);
    expect(found[0]).toEqual({ id: zed2.id, username: zed2.username, online: false });
    expect(await zed1.http.users.search.query({ query: '' })).toEqual([]);
    expect(await zed1.http.users.search.query({ query: '%' })).toEqual([]);

    const online = recordEvents(test, zed2);
    try {
      await online.socket.opened;
      await expect
        .poll(async () => (await zed1.http.users.search.query({ query: stem }))[0]?.online, {
          timeout: 3000,
        })
        .toBe(true);
    } finally {
      await online.stop();
    }
  });
});
