import { randomUUID } from 'node:crypto';
import type { Message, PresenceEvent } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, httpClient, STRONG_PASSWORD, wsClient } from './clients.js';
import { watchPresence } from './presence-watch.js';
import { spawnServer, type ServerProcess } from './server-process.js';
import { temporaryDatabase, testDialect } from './start-test-server.js';
import {
  messagesIn,
  recordEvents,
  registerUser,
  type TestUser,
  type TrackedEvent,
} from './test-users.js';

// Several processes share one PostgreSQL database (the deployment of "Running several processes"):
// every rule must hold across them. Each process is the real server in its own child process.
const onPostgres = testDialect === 'postgres';
if (!onPostgres) console.log('cluster tests: PostgreSQL only (they run in the postgres project)');

const isPresence = (userId: string, online: boolean) => (event: PresenceEvent) =>
  event.type === 'presence' && event.userId === userId && event.online === online;
const idsOf = (messages: Message[]) => messages.map((message) => message.id);
const numeric = (ids: string[]) => ids.map(Number);
const isIncreasing = (values: number[]) =>
  values.every((value, i) => i === 0 || value > values[i - 1]!);

describe.skipIf(!onPostgres)('two server processes on one PostgreSQL database', () => {
  let database: { url: string; drop(): Promise<void> };
  let first: ServerProcess;
  let second: ServerProcess;
  const extra: ServerProcess[] = [];

  beforeAll(async () => {
    database = await temporaryDatabase();
    // Both start at once on the empty database: migrations must not race.
    [first, second] = await Promise.all([
      spawnServer({ DATABASE_URL: database.url }),
      spawnServer({ DATABASE_URL: database.url }),
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([first, second, ...extra].filter(Boolean).map((server) => server.stop()));
    await database?.drop();
  }, 60_000);

  async function pair(): Promise<{ alice: TestUser; bob: TestUser; conversationId: string }> {
    const [alice, bob] = await Promise.all([registerUser(first, 'a'), registerUser(second, 'b')]);
    const conversation = await alice.http.conversations.open.mutate({ userId: bob.id });
    return { alice, bob, conversationId: conversation.id };
  }

  it('a message sent through one process reaches the recipient on the other at once, and delivered comes back', async () => {
    const { alice, bob, conversationId } = await pair();
    const bobEvents = recordEvents(second, bob);
    const aliceEvents = recordEvents(first, alice);
    await Promise.all([bobEvents.started, aliceEvents.started]);

    const sentAt = performance.now();
    const sent = await alice.http.messages.send.mutate({
      conversationId,
      clientId: randomUUID(),
      body: 'across processes',
    });
    await bobEvents.waitFor((events) => idsOf(messagesIn(events)).includes(sent.id), 2000);
    const receivedAfterMs = performance.now() - sentAt;
    expect(receivedAfterMs).toBeLessThan(1000);

    await bobEvents.socket.client.messages.ack.mutate({ messageIds: [sent.id] });
    await aliceEvents.waitFor(
      (events) =>
        events.some(
          ({ event }) =>
            event.type === 'status' && event.messageId === sent.id && event.status === 'delivered',
        ),
      2000,
    );
    await Promise.all([bobEvents.stop(), aliceEvents.stop()]);
  });

  it('presence follows a user across processes within 1 s, both ways', async () => {
    const { alice, bob } = await pair();
    const within = async (watch: Promise<{ afterMs: number }>) =>
      expect((await watch).afterMs).toBeLessThan(1000);

    // Alice on the first process, Bob on the second: each sees the other come and go.
    const aliceWatches = watchPresence(first, alice);
    await aliceWatches.next((event) => event.type === 'snapshot');
    const bobWatches = watchPresence(second, bob);
    await within(aliceWatches.next(isPresence(bob.id, true), 2000));
    await bobWatches.next((event) => event.type === 'snapshot');

    const aliceGone = bobWatches.next(isPresence(alice.id, false), 2000);
    await aliceWatches.stop();
    await within(aliceGone);

    const aliceBack = bobWatches.next(isPresence(alice.id, true), 2000);
    const aliceWatchesAgain = watchPresence(first, alice);
    await within(aliceBack);
    await aliceWatchesAgain.next((event) => event.type === 'snapshot');

    const bobGone = aliceWatchesAgain.next(isPresence(bob.id, false), 2000);
    await bobWatches.stop();
    await within(bobGone);
    await aliceWatchesAgain.stop();
  });

  it('logging out on one process closes the session’s socket on the other with 4001 within 1 s', async () => {
    const user = await registerUser(first, 'logout');
    const socket = wsClient(second, user.accessToken);
    await socket.client.auth.me.query();
    const closed = socket.closed();
    const loggedOutAt = performance.now();
    await httpClient(first, { token: user.accessToken }).auth.logout.mutate();
    expect(await closed).toBe(4001);
    expect(performance.now() - loggedOutAt).toBeLessThan(1000);
    // And the token is refused by both processes.
    for (const server of [first, second]) {
      const error = await errorOf(httpClient(server, { token: user.accessToken }).auth.me.query());
      expect(error.data?.code).toBe('UNAUTHORIZED');
    }
  });

  it('typing through one process shows on the other within 1 s, and ends there on a sent message', async () => {
    const { alice, bob, conversationId } = await pair();
    const bobSees = watchPresence(second, bob);
    try {
      await bobSees.next((event) => event.type === 'snapshot');
      const typedAt = performance.now();
      await alice.http.conversations.typing.mutate({ conversationId, typing: true });
      const shown = await bobSees.next(
        (event) => event.type === 'typing' && event.typing && event.userId === alice.id,
        2000,
      );
      expect(performance.now() - typedAt).toBeLessThan(1000);
      expect(shown.event).toEqual({
        type: 'typing',
        conversationId,
        userId: alice.id,
        typing: true,
      });
      await alice.http.messages.send.mutate({ conversationId, clientId: randomUUID(), body: 'hi' });
      await bobSees.next((event) => event.type === 'typing' && !event.typing, 1000);
    } finally {
      await bobSees.stop();
    }
  });

  it('an edit and a delete through one process reach both participants on the other within 1 s', async () => {
    const { alice, bob, conversationId } = await pair();
    const message = await alice.http.messages.send.mutate({
      conversationId,
      clientId: randomUUID(),
      body: 'before the edit',
    });
    const aliceElsewhere = {
      ...alice,
      accessToken: (
        await httpClient(second).auth.login.mutate({
          username: alice.username,
          password: STRONG_PASSWORD,
        })
      ).accessToken,
    };
    const recorders = [recordEvents(second, bob), recordEvents(second, aliceElsewhere)];
    await Promise.all(recorders.map((recorder) => recorder.started));
    const updated = (body: string) => (events: TrackedEvent[]) =>
      events.some(
        ({ event }) =>
          event.type === 'message-updated' &&
          event.message.id === message.id &&
          event.message.body === body,
      );
    try {
      const editedAt = performance.now();
      await alice.http.messages.edit.mutate({ messageId: message.id, body: 'after the edit' });
      for (const recorder of recorders) await recorder.waitFor(updated('after the edit'), 2000);
      expect(performance.now() - editedAt).toBeLessThan(1000);
      const deletedAt = performance.now();
      await alice.http.messages.delete.mutate({ messageId: message.id });
      for (const recorder of recorders) await recorder.waitFor(updated(''), 2000);
      expect(performance.now() - deletedAt).toBeLessThan(1000);
    } finally {
      await Promise.all(recorders.map((recorder) => recorder.stop()));
    }
  });

  it('a password change on one process closes the user’s other sessions’ sockets on the other with 4001', async () => {
    const user = await registerUser(first, 'changer');
    const other = await httpClient(second).auth.login.mutate({
      username: user.username,
      password: STRONG_PASSWORD,
    });
    const socket = wsClient(second, other.accessToken);
    await socket.client.auth.me.query();
    const closed = socket.closed();
    const changedAt = performance.now();
    await user.http.account.changePassword.mutate({
      currentPassword: STRONG_PASSWORD,
      newPassword: 'Harbor-Lantern-7q',
    });
    expect(await closed).toBe(4001);
    expect(performance.now() - changedAt).toBeLessThan(1000);
    await socket.close();
  });

  it('the sixth failed login from one address is refused whichever process receives it', async () => {
    const user = await registerUser(first, 'guard');
    const from = '127.0.0.9';
    const attempt = (server: ServerProcess, password: string) =>
      httpClient(server, { localAddress: from }).auth.login.mutate({
        username: user.username,
        password,
      });
    for (let i = 0; i < 5; i += 1) {
      const error = await errorOf(attempt(i % 2 === 0 ? first : second, 'Wrong-Password-1'));
      expect(error.data?.code).toBe('UNAUTHORIZED');
    }
    for (const server of [first, second]) {
      const error = await errorOf(attempt(server, STRONG_PASSWORD));
      expect(error.data?.code).toBe('TOO_MANY_REQUESTS');
    }
  });

  it('a 1,000-message burst from one process arrives on the other complete, in order, once', async () => {
    const { alice, bob, conversationId } = await pair();
    const bobEvents = recordEvents(second, bob, undefined, { acknowledge: true });
    const sender = wsClient(first, alice.accessToken);
    await bobEvents.started;

    const total = 1000;
    const clientIds = Array.from({ length: total }, () => randomUUID());
    let next = 0;
    const sendAll = async () => {
      while (next < total) {
        const index = next++;
        await sender.client.messages.send.mutate({
          conversationId,
          clientId: clientIds[index]!,
          body: `burst ${index}`,
        });
      }
    };
    await Promise.all(Array.from({ length: 16 }, sendAll));
    await bobEvents.waitFor((events) => messagesIn(events).length >= total, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 300)); // anything extra would show now

    const received = messagesIn(bobEvents.events);
    expect(received).toHaveLength(total);
    expect(new Set(idsOf(received)).size).toBe(total);
    expect(isIncreasing(numeric(idsOf(received)))).toBe(true);
    expect(new Set(received.map((message) => message.clientId))).toEqual(new Set(clientIds));
    const eventIds = numeric(bobEvents.events.map((tracked) => tracked.id));
    expect(isIncreasing(eventIds)).toBe(true);
    await Promise.all([bobEvents.stop(), sender.close()]);
  }, 60_000);

  it('after kill -9 of a process mid-burst, its users move to the other and get everything exactly once', async () => {
    const doomed = await spawnServer({ DATABASE_URL: database.url });
    extra.push(doomed);
    const [alice, bob] = await Promise.all([registerUser(doomed, 'a'), registerUser(doomed, 'b')]);
    const { id: conversationId } = await alice.http.conversations.open.mutate({ userId: bob.id });

    const bobBefore = recordEvents(doomed, bob, undefined, { acknowledge: true });
    await bobBefore.started;
    const senderBefore = wsClient(doomed, alice.accessToken);

    const total = 300;
    const clientIds = Array.from({ length: total }, () => randomUUID());
    const answered = new Set<number>();
    let crashed = false;
    let next = 0;
    const sendThrough = async (client: typeof senderBefore.client) => {
      while (next < total && !crashed) {
        const index = next++;
        try {
          await client.messages.send.mutate({
            conversationId,
            clientId: clientIds[index]!,
            body: `crash burst ${index}`,
          });
          answered.add(index);
        } catch {
          // Unanswered: the process died with it in flight. Resent below with the same clientId.
        }
      }
    };
    const sending = Promise.all(Array.from({ length: 8 }, () => sendThrough(senderBefore.client)));
    await bobBefore.waitFor((events) => messagesIn(events).length >= 100, 20_000);
    crashed = true;
    await doomed.crash();
    await sending;
    expect(answered.size).toBeLessThan(total);

    // The users reconnect to the surviving process: Bob resumes after the last event id he got,
    // Alice resends every send that was never answered, with the same clientId.
    const lastEventId = bobBefore.events.at(-1)!.id;
    const receivedBefore = messagesIn(bobBefore.events);
    await bobBefore.socket.close().catch(() => undefined);
    const bobAfter = recordEvents(second, bob, lastEventId, { acknowledge: true });
    await bobAfter.started;
    const senderAfter = wsClient(second, alice.accessToken);
    for (let index = 0; index < total; index += 1) {
      if (answered.has(index)) continue;
      await senderAfter.client.messages.send.mutate({
        conversationId,
        clientId: clientIds[index]!,
        body: `crash burst ${index}`,
      });
    }
    await bobAfter.waitFor(
      (events) => receivedBefore.length + messagesIn(events).length >= total,
      30_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));

    // Each message arrives; one arrives twice only if its acknowledgement was lost in the crash
    // (delivery is at least once until acknowledged, and clients drop what they have by id).
    const received = [...receivedBefore, ...messagesIn(bobAfter.events)];
    const distinct = [...new Map(received.map((message) => [message.id, message])).values()];
    expect(distinct).toHaveLength(total);
    expect(new Set(distinct.map((message) => message.body))).toEqual(
      new Set(clientIds.map((_, index) => `crash burst ${index}`)),
    );
    const seen = new Set<string>();
    for (const message of received) {
      if (seen.has(message.id)) expect(bobBefore.acknowledged.has(message.id)).toBe(false);
      seen.add(message.id);
    }
    const afterFailover = numeric(idsOf(messagesIn(bobAfter.events)));
    const beforeCrash = numeric(idsOf(receivedBefore));
    expect(isIncreasing(beforeCrash)).toBe(true);
    expect(isIncreasing(afterFailover.filter((id) => id > Math.max(...beforeCrash)))).toBe(true);
    // Stored once each, in the order received.
    const survivorAsBob = httpClient(second, { token: bob.accessToken });
    const stored: Message[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await survivorAsBob.messages.history.query({
        conversationId,
        before,
        limit: 100,
      });
      stored.unshift(...page.messages);
      if (page.nextBefore === null) break;
      before = page.nextBefore;
    }
    expect(idsOf(stored)).toEqual(idsOf(distinct).sort((a, b) => Number(a) - Number(b)));
    await Promise.all([bobAfter.stop(), senderAfter.close()]);
  }, 90_000);
});
