import { randomUUID } from 'node:crypto';
import type { AppRouter } from '@parley/api';
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startTestServer, type TestServer } from './start-test-server.js';
import { registerUser, type TestUser } from './test-users.js';

let test: TestServer;
let alice: TestUser;
let bob: TestUser;
let conversationId: string;

beforeAll(async () => {
  test = await startTestServer({ requestsPerMinute: 100_000 });
  [alice, bob] = await Promise.all([registerUser(test, 'alice'), registerUser(test, 'bob')]);
  conversationId = (await alice.http.conversations.open.mutate({ userId: bob.id })).id;
});
afterAll(() => test.dispose());

const until = async (condition: () => boolean, timeoutMs: number, what: string) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('messages.events resumed by the standard tRPC client (wsLink)', () => {
  it('never replays a message the client already had after a re-push and a dropped socket', async () => {
    const sockets: WebSocket[] = [];
    class RecordedWebSocket extends WebSocket {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        sockets.push(this);
      }
    }
    const socket = createWSClient({
      url: test.wsUrl,
      WebSocket: RecordedWebSocket as unknown as typeof globalThis.WebSocket,
      connectionParams: { token: bob.accessToken },
      retryDelayMs: () => 100,
    });
    const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: socket })] });
    const received: Array<{ eventId: string; messageId: string }> = [];
    // Bob acknowledges every message as it arrives (as apps do) except the first one: only that
    // one is pushed again, however long the 200 sends take on a busy machine.
    let firstMessage: string | null = null;
    const toAcknowledge: string[] = [];
    // Acknowledgements in flight are awaited before the server goes away (a reset one would be an
    // unhandled rejection after the test); one that fails while the test runs fails the test.
    const acksInFlight = new Set<Promise<void>>();
    const ackFailures: unknown[] = [];
    const acknowledging = setInterval(() => {
      const messageIds = toAcknowledge.splice(0, 500);
      if (messageIds.length === 0) return;
      const ack: Promise<void> = bob.http.messages.ack
        .mutate({ messageIds })
        .then(
          () => undefined,
          (error: unknown) => void ackFailures.push(error),
        )
        .finally(() => acksInFlight.delete(ack));
      acksInFlight.add(ack);
    }, 20);
    let starts = 0;
    const subscription = client.messages.events.subscribe(undefined, {
      onStarted: () => starts++,
      onData: ({ id, data }) => {
        if (data.type !== 'message') return;
        received.push({ eventId: id, messageId: data.message.id });
        firstMessage ??= data.message.id;
        if (data.message.id !== firstMessage) toAcknowledge.push(data.message.id);
      },
    });
    try {
      await until(() => starts === 1, 5000, 'the subscription');
      const sent: string[] = [];
      for (let i = 0; i < 200; i++) {
        const message = await alice.http.messages.send.mutate({
          conversationId,
          clientId: randomUUID(),
          body: `message ${i}`,
        });
        sent.push(message.id);
      }
      await until(() => received.length >= 200, 10_000, '200 messages');
      const [unacked, ...acked] = sent;
      expect(firstMessage).toBe(unacked);
      await until(() => toAcknowledge.length === 0, 5000, 'the acknowledgements');
      const countOf = (id: string) => received.filter((entry) => entry.messageId === id).length;
      // The server pushes the unacknowledged message again after ~2 s.
      await until(() => countOf(unacked!) >= 2, 10_000, 'the re-push');

      const pushesBeforeReconnect = countOf(unacked!);
      sockets[0]!.terminate();
      await until(() => starts === 2, 10_000, 'the resumed subscription');
      const marker = await alice.http.messages.send.mutate({
        conversationId,
        clientId: randomUUID(),
        body: 'after the reconnect',
      });
      await until(() => countOf(marker.id) === 1, 10_000, 'a message after the reconnect');

      // Still unacknowledged: pushed again on the new stream.
      await until(
        () => countOf(unacked!) > pushesBeforeReconnect,
        5000,
        'the unacked message again',
      );
      const twice = acked.filter((id) => countOf(id) !== 1);
      expect(twice).toEqual([]);
      // Event ids the client resumes from never went backwards.
      const ids = received.map((entry) => Number(entry.eventId));
      for (let i = 1; i < ids.length; i++) expect(ids[i]).toBeGreaterThanOrEqual(ids[i - 1]!);
      expect(ackFailures).toEqual([]);
    } finally {
      clearInterval(acknowledging);
      await Promise.all([...acksInFlight]);
      subscription.unsubscribe();
      await socket.close();
    }
  }, 60_000);
});
