import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf } from './clients.js';
import { startTestServer, type TestServer } from './start-test-server.js';
import { recordEvents, registerUser, type TestUser, type TrackedEvent } from './test-users.js';

// Release 2: read receipts, reciprocal through each person's settings (docs/api.md).
let test: TestServer;

beforeAll(async () => {
  test = await startTestServer({ requestsPerMinute: 100_000 });
});
afterAll(() => test.dispose());

async function pair() {
  const [alice, bob] = await Promise.all([registerUser(test, 'alice'), registerUser(test, 'bob')]);
  const conversationId = (await alice.http.conversations.open.mutate({ userId: bob.id })).id;
  const send = (from: TestUser, body: string) =>
    from.http.messages.send.mutate({ conversationId, clientId: randomUUID(), body });
  const statuses = async (viewer: TestUser) =>
    (await viewer.http.messages.history.query({ conversationId })).messages.map((m) => [
      m.body,
      m.status,
    ]);
  return { alice, bob, conversationId, send, statuses };
}

const readEvents = (events: TrackedEvent[]) =>
  events.flatMap(({ event }) => (event.type === 'read' ? [event] : []));

describe('account.settings', () => {
  it('starts with both on, changes only what is given, and keeps it', async () => {
    const user = await registerUser(test, 'settings');
    expect(await user.http.account.settings.query()).toEqual({
      readReceipts: true,
      typingIndicators: true,
    });
    expect(await user.http.account.updateSettings.mutate({ readReceipts: false })).toEqual({
      readReceipts: false,
      typingIndicators: true,
    });
    expect(await user.http.account.updateSettings.mutate({ typingIndicators: false })).toEqual({
      readReceipts: false,
      typingIndicators: false,
    });
    expect(await user.http.account.updateSettings.mutate({})).toEqual({
      readReceipts: false,
      typingIndicators: false,
    });
    expect(await user.http.account.settings.query()).toEqual({
      readReceipts: false,
      typingIndicators: false,
    });
    const bad = await errorOf(
      user.http.account.updateSettings.mutate({ readReceipts: 'yes' as unknown as boolean }),
    );
    expect(bad.data?.code).toBe('BAD_REQUEST');
    expect(await user.http.account.settings.query()).toMatchObject({ readReceipts: false });
  });
});

describe('read receipts', () => {
  it('with both on: markRead turns the sender’s messages read (delivered too) and tells the sender within 1 s', async () => {
    const { alice, bob, conversationId, send, statuses } = await pair();
    const first = await send(alice, 'one');
    const second = await send(alice, 'two');
    const third = await send(alice, 'three');
    await send(bob, 'from bob');
    const aliceEvents = recordEvents(test, alice);
    try {
      await aliceEvents.started;
      const markedAt = performance.now();
      expect(
        await bob.http.conversations.markRead.mutate({ conversationId, upToMessageId: second.id }),
      ).toEqual({ unreadCount: 1 });
      const [read] = readEvents(
        await aliceEvents.waitFor((events) => readEvents(events).length > 0, 1000),
      );
      expect(performance.now() - markedAt).toBeLessThan(1000);
      expect(read).toMatchObject({ type: 'read', conversationId, upToMessageId: second.id });
      expect(read!.at).toBeGreaterThan(0);
      expect((await statuses(alice)).slice(0, 3)).toEqual([
        ['one', 'read'],
        ['two', 'read'],
        ['three', 'pending'],
      ]);
      const history = (await alice.http.messages.history.query({ conversationId })).messages;
      expect(history.find((m) => m.id === first.id)?.deliveredAt).toBe(read!.at);
      // Marking the same again tells nobody anything new.
      await bob.http.conversations.markRead.mutate({ conversationId, upToMessageId: second.id });
      await bob.http.conversations.markRead.mutate({ conversationId, upToMessageId: third.id });
      await aliceEvents.waitFor((events) => readEvents(events).length === 2, 1000);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(readEvents(aliceEvents.events).map((event) => event.upToMessageId)).toEqual([
        second.id,
        third.id,
      ]);
    } finally {
      await aliceEvents.stop();
    }
  });

  for (const whoTurnsOff of ['reader', 'sender'] as const) {
    it(`with the ${whoTurnsOff} turning them off: statuses stop at delivered and no read event is sent`, async () => {
      const { alice, bob, conversationId, send, statuses } = await pair();
      await (whoTurnsOff === 'reader' ? bob : alice).http.account.updateSettings.mutate({
        readReceipts: false,
      });
      const message = await send(alice, 'unseen');
      await bob.http.messages.ack.mutate({ messageIds: [message.id] });
      const aliceEvents = recordEvents(test, alice);
      try {
        await aliceEvents.started;
        expect(
          await bob.http.conversations.markRead.mutate({
            conversationId,
            upToMessageId: message.id,
          }),
        ).toEqual({ unreadCount: 0 });
        // Something after it, so that a read event would have arrived before it.
        const later = await send(bob, 'after the markRead');
        await aliceEvents.waitFor((events) =>
          events.some(({ event }) => event.type === 'message' && event.message.id === later.id),
        );
        expect(readEvents(aliceEvents.events)).toEqual([]);
        expect((await statuses(alice))[0]).toEqual(['unseen', 'delivered']);
      } finally {
        await aliceEvents.stop();
      }
    });
  }

  it('refuses markRead in someone else’s conversation (FORBIDDEN)', async () => {
    const { alice, conversationId, send } = await pair();
    const message = await send(alice, 'private');
    const stranger = await registerUser(test, 'stranger');
    const error = await errorOf(
      stranger.http.conversations.markRead.mutate({ conversationId, upToMessageId: message.id }),
    );
    expect(error.data?.code).toBe('FORBIDDEN');
  });
});
