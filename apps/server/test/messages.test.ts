import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf } from './clients.js';
import { startTestServer, testDialect, type TestServer } from './start-test-server.js';
import { messagesIn, recordEvents, registerUser, type TestUser } from './test-users.js';

let test: TestServer;
let alice: TestUser;
let bob: TestUser;
let conversationId: string;

beforeAll(async () => {
  // History seeding below goes through the store; every other call counts against the rate limit.
  test = await startTestServer({ requestsPerMinute: 100_000 });
  [alice, bob] = await Promise.all([registerUser(test, 'alice'), registerUser(test, 'bob')]);
  conversationId = (await alice.http.conversations.open.mutate({ userId: bob.id })).id;
});
afterAll(() => test.dispose());

const send = (user: TestUser, body: string, clientId: string = randomUUID()) =>
  user.http.messages.send.mutate({ conversationId, clientId, body });

describe('messages.send', () => {
  it('stores the message and answers with it, pending while the recipient is away', async () => {
    const before = Date.now();
    const message = await send(alice, '  hello Bob  ');
    expect(message).toMatchObject({
      conversationId,
      senderId: alice.id,
      senderName: alice.username,
      anonymized: false,
      body: '  hello Bob  ',
      status: 'pending',
      deliveredAt: null,
    });
    expect(message.createdAt).toBeGreaterThanOrEqual(before);
  });

  it('accepts 5000 emoji and refuses 5001 with fieldErrors.body; blank bodies are refused', async () => {
    const emoji = '😀'.repeat(5000);
    expect((await send(alice, emoji)).body).toBe(emoji);
    const tooLong = await errorOf(send(alice, `${emoji}😀`));
    expect(tooLong.data?.code).toBe('BAD_REQUEST');
    expect(tooLong.data?.fieldErrors?.body).toEqual(['A message can have at most 5000 characters']);
    for (const blank of ['', '   ', '\n\t ']) {
      const error = await errorOf(send(alice, blank));
      expect(error.data?.code).toBe('BAD_REQUEST');
      expect(error.data?.fieldErrors?.body).toEqual(['A message cannot be empty']);
    }
    const badClientId = await errorOf(send(alice, 'x', 'not-a-uuid'));
    expect(badClientId.data?.fieldErrors?.clientId).toBeDefined();
  });

  it('stores one message per clientId, also when the same send arrives concurrently', async () => {
    const clientId = randomUUID();
    const first = await send(alice, 'once', clientId);
    const again = await send(alice, 'once', clientId);
    expect(again.id).toBe(first.id);

    const concurrentId = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => send(alice, 'racing', concurrentId)),
    );
    expect(new Set(answers.map((message) => message.id)).size).toBe(1);

    const { messages } = await bob.http.messages.history.query({ conversationId, limit: 100 });
    expect(messages.filter((message) => message.clientId === clientId)).toHaveLength(1);
    expect(messages.filter((message) => message.clientId === concurrentId)).toHaveLength(1);
  });
});

describe('delivery', () => {
  it('pushes to the live recipient, who acknowledges; the sender sees sent, then delivered', async () => {
    const bobEvents = recordEvents(test, bob);
    const aliceEvents = recordEvents(test, alice);
    try {
      await Promise.all([bobEvents.started, aliceEvents.started]);
      const sentAt = Date.now();
      const message = await send(alice, 'live one');
      const received = await bobEvents.waitFor(
        (events) => messagesIn(events).some((m) => m.id === message.id),
        1000,
      );
      expect(Date.now() - sentAt).toBeLessThan(1000);
      expect(messagesIn(received).find((m) => m.id === message.id)).toMatchObject({
        senderId: alice.id,
        senderName: alice.username,
        createdAt: message.createdAt,
      });
      await aliceEvents.waitFor((events) =>
        events.some(
          (e) =>
            e.event.type === 'status' &&
            e.event.messageId === message.id &&
            e.event.status === 'sent',
        ),
      );
      expect(await bob.http.messages.ack.mutate({ messageIds: [message.id] })).toEqual({
        delivered: [message.id],
      });
      const statuses = await aliceEvents.waitFor((events) =>
        events.some(
          (e) =>
            e.event.type === 'status' &&
            e.event.messageId === message.id &&
            e.event.status === 'delivered',
        ),
      );
      const delivered = statuses.find(
        (e) => e.event.type === 'status' && e.event.status === 'delivered',
      )!.event;
      expect(delivered).toMatchObject({ conversationId, clientId: message.clientId });
      // Alice's own session stream also carries her message (for her other devices).
      expect(messagesIn(aliceEvents.events).some((m) => m.id === message.id)).toBe(true);
      // Acknowledging again is harmless and reports it delivered.
      expect(await bob.http.messages.ack.mutate({ messageIds: [message.id] })).toEqual({
        delivered: [message.id],
      });
    } finally {
      await Promise.all([bobEvents.stop(), aliceEvents.stop()]);
    }
  });

  it('pushes an unacknowledged message again while the recipient stays connected', async () => {
    const bobEvents = recordEvents(test, bob);
    try {
      await bobEvents.started;
      const message = await send(alice, 'please ack me');
      const pushes = await bobEvents.waitFor(
        (events) => messagesIn(events).filter((m) => m.id === message.id).length >= 2,
        6000,
      );
      const ids = pushes
        .filter((e) => e.event.type === 'message' && e.event.message.id === message.id)
        .map((e) => e.id);
      // The same tracked event id both times: a resume cursor never skips past it.
      expect(new Set(ids).size).toBe(1);
      await bob.http.messages.ack.mutate({ messageIds: [message.id] });
    } finally {
      await bobEvents.stop();
    }
  });

  it('replays after lastEventId with no gap and no duplicate; without one, only what is undelivered', async () => {
    const first = recordEvents(test, bob);
    await first.started;
    const a = await send(alice, 'replay a');
    await first.waitFor((events) => messagesIn(events).some((m) => m.id === a.id));
    const cursor = first.events.at(-1)!.id;
    await bob.http.messages.ack.mutate({ messageIds: [a.id] });
    await first.stop();

    const offline = [];
    for (let i = 0; i < 20; i++) offline.push(await send(alice, `while away ${i}`));

    const resumed = recordEvents(test, bob, cursor);
    try {
      const events = await resumed.waitFor(
        (seen) => messagesIn(seen).filter((m) => m.body.startsWith('while away')).length >= 20,
      );
      // Messages still unacknowledged from before the cursor are pushed again first, under the
      // cursor's own id (so the client's resume point stays put); then every event after it.
      const again = events.filter((e) => e.id === cursor);
      const after = events.filter((e) => e.id !== cursor);
      expect(events.slice(0, again.length)).toEqual(again);
      expect(messagesIn(again).every((m) => m.status !== 'delivered')).toBe(true);
      expect(messagesIn(again).map((m) => m.id)).not.toContain(a.id);
      const ids = after.map((e) => Number(e.id));
      expect(ids.every((id) => id > Number(cursor))).toBe(true);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
      expect(new Set(ids).size).toBe(ids.length);
      expect(messagesIn(after).map((m) => m.body)).toEqual(offline.map((m) => m.body));
    } finally {
      await resumed.stop();
    }

    const fresh = recordEvents(test, bob);
    try {
      const events = await fresh.waitFor(
        (seen) => messagesIn(seen).filter((m) => m.body.startsWith('while away')).length >= 20,
      );
      const bodies = messagesIn(events).map((m) => m.body);
      expect(bodies).not.toContain('replay a');
      expect(bodies.filter((body) => body.startsWith('while away'))).toEqual(
        offline.map((m) => m.body),
      );
      await bob.http.messages.ack.mutate({ messageIds: messagesIn(events).map((m) => m.id) });
    } finally {
      await fresh.stop();
    }
  });
});

describe('messages.history', () => {
  // PostgreSQL commits a conversation's sends one at a time (see the send's row lock): fewer there.
  const total = testDialect === 'postgres' ? 3000 : 10_000;

  it(`pages ${total} messages back to the start in order, without gaps or repeats`, async () => {
    const [carol, dave] = await Promise.all([
      registerUser(test, 'carol'),
      registerUser(test, 'dave'),
    ]);
    const { id } = await carol.http.conversations.open.mutate({ userId: dave.id });
    const store = test.server.store;
    const sentIds: string[] = [];
    for (let i = 0; i < total; i++) {
      const result = await store.messages.send({
        conversationId: id,
        clientId: randomUUID(),
        senderId: i % 2 === 0 ? carol.id : dave.id,
        recipientId: i % 2 === 0 ? dave.id : carol.id,
        body: `message ${i}`,
        createdAt: Date.now(),
        status: 'pending',
      });
      sentIds.push(result.message.id);
      // Let the process's timers run (HTTP keep-alive), as a server under real load would.
      if (i % 500 === 0) await new Promise((resolve) => setImmediate(resolve));
    }

    const seen: string[] = [];
    let before: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof carol.http.messages.history.query>> =
        await carol.http.messages.history.query({
          conversationId: id,
          limit: 100,
          ...(before ? { before } : {}),
        });
      const ids = page.messages.map((message) => message.id);
      expect(ids.map(Number)).toEqual([...ids.map(Number)].sort((x, y) => x - y));
      seen.unshift(...ids);
      before = page.nextBefore;
      pages++;
    } while (before !== null && pages < 200);
    expect(pages).toBe(total / 100);
    expect(seen).toEqual(sentIds);

    const latest = await carol.http.messages.history.query({ conversationId: id });
    expect(latest.messages).toHaveLength(50);
    expect(latest.messages.at(-1)?.body).toBe(`message ${total - 1}`);
    const limitError = await errorOf(
      carol.http.messages.history.query({ conversationId: id, limit: 101 }),
    );
    expect(limitError.data?.code).toBe('BAD_REQUEST');
    // Seeding takes most of it; a busy machine needs room.
  }, 90_000);
});
