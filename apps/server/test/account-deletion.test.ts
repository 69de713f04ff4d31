import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRONG_PASSWORD, errorOf, httpClient, wsClient } from './clients.js';
import { startTestServer, testDialect, type TestServer } from './start-test-server.js';
import { recordEvents, registerUser } from './test-users.js';

let test: TestServer;

beforeAll(async () => {
  test = await startTestServer({ requestsPerMinute: 100_000 });
});
afterAll(() => test.dispose());

describe('account.delete', () => {
  it('needs the current password', async () => {
    const user = await registerUser(test, 'careful');
    const error = await errorOf(user.http.account.delete.mutate({ password: 'Wrong-Password-1' }));
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(error.data?.fieldErrors?.password).toEqual(['Wrong password.']);
    expect(await user.http.auth.me.query()).toMatchObject({ id: user.id });
  });

  it('anonymizes, fails what waited for the user, tells the peer, ends every session, releases the name', async () => {
    const [leaver, peer] = await Promise.all([
      registerUser(test, 'leaver'),
      registerUser(test, 'peer'),
    ]);
    const { id: conversationId } = await leaver.http.conversations.open.mutate({ userId: peer.id });
    const fromLeaver = await leaver.http.messages.send.mutate({
      conversationId,
      clientId: randomUUID(),
      body: 'I was here',
    });
    const waiting = await peer.http.messages.send.mutate({
      conversationId,
      clientId: randomUUID(),
      body: 'are you there?',
    });
    expect(waiting.status).toBe('pending');

    const peerEvents = recordEvents(test, peer);
    const leaverSocket = wsClient(test, leaver.accessToken);
    await Promise.all([peerEvents.started, leaverSocket.opened]);
    const leaverClosed = leaverSocket.closed();
    expect(await leaver.http.account.delete.mutate({ password: STRONG_PASSWORD })).toEqual({
      ok: true,
    });

    // The peer learns it, and their queued message turned failed.
    const events = await peerEvents.waitFor(
      (seen) =>
        seen.some((e) => e.event.type === 'peer-deleted') &&
        seen.some((e) => e.event.type === 'status' && e.event.messageId === waiting.id),
    );
    expect(events.find((e) => e.event.type === 'peer-deleted')?.event).toEqual({
      type: 'peer-deleted',
      conversationId,
    });
    expect(events.find((e) => e.event.type === 'status')?.event).toMatchObject({
      status: 'failed',
      clientId: waiting.clientId,
    });
    await peerEvents.stop();

    // The open socket closes with 4001; the tokens and the password no longer work.
    expect(await leaverClosed).toBe(4001);
    await leaverSocket.close();
    expect((await errorOf(leaver.http.auth.me.query())).data?.code).toBe('UNAUTHORIZED');
    const login = await errorOf(
      httpClient(test).auth.login.mutate({ username: leaver.username, password: STRONG_PASSWORD }),
    );
    expect(login.data?.code).toBe('UNAUTHORIZED');

    // The peer keeps the history: content intact, the sender anonymized.
    const history = await peer.http.messages.history.query({ conversationId });
    const kept = history.messages.find((message) => message.id === fromLeaver.id)!;
    expect(kept).toMatchObject({
      body: 'I was here',
      senderId: null,
      senderName: 'Deleted User',
      anonymized: true,
    });
    expect(history.messages.find((message) => message.id === waiting.id)?.status).toBe('failed');
    const conversation = await peer.http.conversations.get.query({ conversationId });
    expect(conversation.peer).toMatchObject({
      id: null,
      username: 'Deleted User',
      deleted: true,
      online: false,
    });
    const found = await peer.http.messages.search.query({ query: 'here' });
    expect(found.results.map((hit) => hit.message.senderName)).toEqual(['Deleted User']);

    // Nobody can start a conversation with them, nor find them, nor write to them.
    expect(
      (await errorOf(peer.http.conversations.open.mutate({ userId: leaver.id }))).data?.code,
    ).toBe('NOT_FOUND');
    expect(await peer.http.users.search.query({ query: leaver.username })).toEqual([]);
    const sendError = await errorOf(
      peer.http.messages.send.mutate({ conversationId, clientId: randomUUID(), body: 'hello?' }),
    );
    expect(sendError.data?.code).toBe('NOT_FOUND');

    // The username is free for a new, unrelated account that sees nothing of the old one.
    const reborn = await httpClient(test).auth.register.mutate({
      username: leaver.username,
      password: STRONG_PASSWORD,
    });
    expect(reborn.user.id).not.toBe(leaver.id);
    const rebornClient = httpClient(test, { token: reborn.accessToken });
    expect(await rebornClient.conversations.list.query()).toEqual([]);
    expect((await rebornClient.messages.search.query({ query: 'here' })).results).toEqual([]);
    expect(
      (await errorOf(rebornClient.messages.history.query({ conversationId }))).data?.code,
    ).toBe('FORBIDDEN');
  });

  it('anonymizes a large history in batches while other traffic keeps flowing', async () => {
    const [prolific, reader] = await Promise.all([
      registerUser(test, 'prolific'),
      registerUser(test, 'reader'),
    ]);
    const { id: conversationId } = await prolific.http.conversations.open.mutate({
      userId: reader.id,
    });
    const sends = [];
    // PostgreSQL commits one recipient's messages one at a time (their event-log head row): fewer.
    const total = testDialect === 'postgres' ? 4000 : 20_000;
    for (let i = 0; i < total; i++) {
      sends.push(
        test.server.store.messages.send({
          conversationId,
          clientId: randomUUID(),
          senderId: prolific.id,
          recipientId: reader.id,
          body: `note ${i}`,
          createdAt: Date.now(),
          status: 'pending',
        }),
      );
      if (i % 1000 === 999) await Promise.all(sends.splice(0));
    }
    await Promise.all(sends);

    // Measure the longest stall of the event loop while the deletion runs.
    let longest = 0;
    let last = performance.now();
    const probe = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 5);
    await prolific.http.account.delete.mutate({ password: STRONG_PASSWORD });
    clearInterval(probe);
    console.log(`deleting ${total} messages: longest event-loop stall ${longest.toFixed(1)} ms`);

    const page = await reader.http.messages.history.query({ conversationId, limit: 100 });
    expect(page.messages.every((message) => message.anonymized && message.senderId === null)).toBe(
      true,
    );
    const remaining = await test.server.store.messages.history(conversationId, null, 100);
    expect(remaining.every((message) => message.anonymized)).toBe(true);
    // Seeding takes most of it; a busy machine needs room.
  }, 90_000);
});
