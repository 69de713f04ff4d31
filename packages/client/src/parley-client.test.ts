import type { AppRouter } from '@parley/api';
import type { PresenceEvent } from '@parley/protocol';
import { createTRPCClient, httpLink } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { describeError } from './describe-error.js';
import { eventually, password, username } from '../test/test-clients.js';
import { testEnvironment } from '../test/test-environment.js';

const env = testEnvironment();

async function pair() {
  const a = env.client(env.server.url);
  const b = env.client(env.server.url);
  await a.client.register(username('alice'), password);
  await b.client.register(username('bob'), password);
  const conversation = await a.client.api.conversations.open.mutate({ userId: b.user().id });
  await eventually(() => expect(a.client.connection().kind).toBe('online'));
  await eventually(() => expect(b.client.connection().kind).toBe('online'));
  return { a, b, conversation };
}

describe('two clients on a real server', () => {
  it('A sends, B receives within a second with sender and timestamp; B acks, A sees delivered', async () => {
    const { a, b, conversation } = await pair();
    const sentAt = Date.now();
    const entry = a.client.send(conversation.id, 'Hello Bob 👋');
    expect(entry.status).toBe('sending');
    expect(Date.now() - sentAt).toBeLessThan(50);

    const received = await eventually(() => {
      const m = b.messages().find((x) => x.clientId === entry.clientId);
      expect(m).toBeDefined();
      return m!;
    });
    const latency = b.events.find((e) => e.event.type === 'message')!.at - sentAt;
    expect(latency).toBeLessThan(1000);
    expect(received).toMatchObject({
      body: 'Hello Bob 👋',
      senderId: a.user().id,
      senderName: a.user().username,
      conversationId: conversation.id,
    });
    expect(Math.abs(received.createdAt - sentAt)).toBeLessThan(1000);

    await eventually(() => expect(a.client.outbox()[0]?.status).toBe('delivered'));
    const statuses = a.events.flatMap(({ event }) =>
      event.type === 'status' ? [event.status] : [],
    );
    expect(statuses).toContain('delivered');
    const history = await a.client.api.messages.history.query({ conversationId: conversation.id });
    expect(history.messages.map((m) => [m.body, m.status])).toEqual([
      ['Hello Bob 👋', 'delivered'],
    ]);
    console.log(`[figures] A→B latency ${latency} ms`);
  });

  it('surfaces server errors readably: fieldErrors for a too long body, CONFLICT for a taken name', async () => {
    const { a, conversation } = await pair();
    const error = await a.client.api.messages.send
      .mutate({
        conversationId: conversation.id,
        clientId: crypto.randomUUID(),
        body: '😀'.repeat(5001),
      })
      .catch((e: unknown) => e);
    const details = describeError(error);
    expect(details.code).toBe('BAD_REQUEST');
    expect(details.fieldErrors?.body?.[0]).toMatch(/5000/);
    const c = env.client(env.server.url);
    const taken = await c.client.register(a.user().username, password).catch((e: unknown) => e);
    expect(describeError(taken)).toMatchObject({ code: 'CONFLICT' });
    expect(describeError(taken).message.length).toBeGreaterThan(5);
  });

  it('reports the connection as connecting, then online', async () => {
    const { a } = await pair();
    expect(a.states.map((s) => s.kind)).toEqual(['connecting', 'online']);
  });

  it('streams presence: a snapshot, then the peer going offline and online again', async () => {
    const { a, b } = await pair();
    const seen: PresenceEvent[] = [];
    a.client.onPresence((event) => seen.push(event));
    // A's presence stream started before the conversation existed: reconnect-free check through B's comings and goings.
    b.client.close();
    await eventually(() =>
      expect(seen).toContainEqual(
        expect.objectContaining({ type: 'presence', userId: b.user().id, online: false }),
      ),
    );
    const b2 = env.client(env.server.url);
    await b2.client.login(b.user().username, password);
    await eventually(() =>
      expect(seen.at(-1)).toMatchObject({ type: 'presence', userId: b.user().id, online: true }),
    );
  });

  it('deleting an account: the peer learns it, its undelivered messages turn failed, the client signs out', async () => {
    const { a, b, conversation } = await pair();
    b.client.close(); // B is away: A's message waits for B
    const entry = a.client.send(conversation.id, 'are you there?');
    await eventually(() => expect(a.client.outbox()[0]?.status).toBe('pending'));

    // B deletes the account from elsewhere, without ever receiving the message (a bare tRPC client).
    const raw = createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${env.server.url}/trpc` })],
    });
    const { accessToken } = await raw.auth.login.mutate({ username: b.user().username, password });
    const authed = createTRPCClient<AppRouter>({
      links: [
        httpLink({
          url: `${env.server.url}/trpc`,
          headers: { authorization: `Bearer ${accessToken}` },
        }),
      ],
    });
    await authed.account.delete.mutate({ password });

    await eventually(() =>
      expect(a.client.outbox()[0]).toMatchObject({ clientId: entry.clientId, status: 'failed' }),
    );
    await eventually(() =>
      expect(a.events.some(({ event }) => event.type === 'peer-deleted')).toBe(true),
    );

    await a.client.deleteAccount(password);
    expect(a.client.user()).toBeNull();
    expect(a.client.connection()).toEqual({ kind: 'offline' });
    expect(a.client.outbox()).toEqual([]);
  });

  it('three clients, one user on two devices: both of B’s devices get the message once; A’s other device sees it without acking', async () => {
    const a1 = env.client(env.server.url);
    const a2 = env.client(env.server.url);
    const b1 = env.client(env.server.url);
    const b2 = env.client(env.server.url);
    const alice = await a1.client.register(username('alice'), password);
    await a2.client.login(alice.username, password);
    const bob = await b1.client.register(username('bob'), password);
    await b2.client.login(bob.username, password);
    for (const c of [a1, a2, b1, b2]) {
      await eventually(() => expect(c.client.connection().kind).toBe('online'));
    }
    const conversation = await a1.client.api.conversations.open.mutate({ userId: bob.id });
    const entry = a1.client.send(conversation.id, 'to all your devices');
    for (const c of [a2, b1, b2]) {
      await eventually(() => expect(c.messages().map((m) => m.clientId)).toEqual([entry.clientId]));
    }
    await eventually(() => expect(a1.client.outbox()[0]?.status).toBe('delivered'));
    expect(a2.client.stats().acknowledged).toBe(0); // your own message is not yours to acknowledge
    expect(a1.messages()).toEqual([]); // the sending session does not get its own message back
  });
});
