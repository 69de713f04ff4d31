import { describe, expect, it } from 'vitest';
import { describeError } from './describe-error.js';
import { eventually, password, sleep, username } from '../test/test-clients.js';
import { testEnvironment } from '../test/test-environment.js';

const env = testEnvironment();

describe('offline delivery with persistent storage', () => {
  it('B offline: A’s messages stay pending; B connects and gets all in order; A, offline then, learns delivered later', async () => {
    const aStorage = env.fileStorage('a.json');
    const bStorage = env.fileStorage('b.json');
    const a = env.client(env.server.url, { storage: aStorage });
    const b = env.client(env.server.url, { storage: bStorage });
    await a.client.register(username('alice'), password);
    const bob = await b.client.register(username('bob'), password);
    await b.client.flush();
    b.client.close(); // B goes offline; its session stays in its storage

    const conversation = await a.client.api.conversations.open.mutate({ userId: bob.id });
    const bodies = Array.from({ length: 20 }, (_, i) => `queued ${i + 1}`);
    const entries = bodies.map((body) => a.client.send(conversation.id, body));
    await eventually(() =>
      expect(a.client.outbox().every((e) => e.status === 'pending')).toBe(true),
    );
    await sleep(300);
    expect(a.client.outbox().map((e) => e.status)).toEqual(bodies.map(() => 'pending'));

    await a.client.flush();
    a.client.close(); // A goes offline before B comes back

    const b2 = env.client(env.server.url, { storage: bStorage });
    expect(await b2.client.restore()).toMatchObject({ id: bob.id });
    await eventually(() => expect(b2.messages()).toHaveLength(20));
    expect(b2.messages().map((m) => m.body)).toEqual(bodies);
    expect(b2.messages().map((m) => m.clientId)).toEqual(entries.map((e) => e.clientId));
    await eventually(() => expect(b2.client.stats().acknowledged).toBeGreaterThanOrEqual(20));
    const history = await b2.client.api.messages.history.query({ conversationId: conversation.id });
    expect(history.messages.every((m) => m.status === 'delivered')).toBe(true);

    // A comes back: its stored outbox and cursor resume; the status events kept in its log arrive.
    const a2 = env.client(env.server.url, { storage: aStorage });
    await a2.client.restore();
    expect(a2.client.outbox()).toHaveLength(20);
    await eventually(() =>
      expect(a2.client.outbox().map((e) => e.status)).toEqual(bodies.map(() => 'delivered')),
    );
    const delivered = a2.events.filter(
      ({ event }) => event.type === 'status' && event.status === 'delivered',
    );
    expect(delivered).toHaveLength(20);
    // Each event is shown once.
    expect(new Set(a2.events.map((e) => e.eventId)).size).toBe(a2.events.length);
  });

  it('a third client is refused FORBIDDEN everywhere and never sees the A↔B events', async () => {
    const a = env.client(env.server.url);
    const b = env.client(env.server.url);
    const c = env.client(env.server.url);
    await a.client.register(username('alice'), password);
    const bob = await b.client.register(username('bob'), password);
    await c.client.register(username('carol'), password);
    await eventually(() => expect(c.client.connection().kind).toBe('online'));
    const conversation = await a.client.api.conversations.open.mutate({ userId: bob.id });
    a.client.send(conversation.id, 'just for Bob');
    await eventually(() => expect(b.messages()).toHaveLength(1));
    b.client.send(conversation.id, 'just for Alice');
    await eventually(() => expect(a.messages()).toHaveLength(1));

    const refusals = await Promise.all(
      [
        c.client.api.messages.history.query({ conversationId: conversation.id }),
        c.client.api.conversations.get.query({ conversationId: conversation.id }),
        c.client.api.conversations.markRead.mutate({
          conversationId: conversation.id,
          upToMessageId: a.messages()[0]!.id,
        }),
        c.client.api.messages.send.mutate({
          conversationId: conversation.id,
          clientId: crypto.randomUUID(),
          body: 'intruder',
        }),
      ].map((p) =>
        p.then(
          () => null,
          (e: unknown) => describeError(e).code,
        ),
      ),
    );
    expect(refusals).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
    const entry = c.client.send(conversation.id, 'through the outbox');
    await eventually(() => expect(c.client.outbox()[0]?.status).toBe('failed'));
    expect(c.client.outbox()[0]?.error).toBeTruthy();
    expect(entry.clientId).toBe(c.client.outbox()[0]?.clientId);
    await sleep(200);
    const leaked = c.events.filter(({ event }) => JSON.stringify(event).includes(conversation.id));
    expect(leaked).toEqual([]);
  });

  it('a new device without a cursor receives every undelivered message, in order, once', async () => {
    const a = env.client(env.server.url);
    const b = env.client(env.server.url);
    await a.client.register(username('alice'), password);
    const bob = await b.client.register(username('bob'), password);
    await eventually(() => expect(b.client.connection().kind).toBe('online'));
    const conversation = await a.client.api.conversations.open.mutate({ userId: bob.id });
    await eventually(() =>
      expect(b.events.some(({ event }) => event.type === 'conversation')).toBe(true),
    );
    b.client.close();
    const bodies = Array.from({ length: 50 }, (_, i) => `while away ${i}`);
    for (const body of bodies) a.client.send(conversation.id, body);
    await eventually(() =>
      expect(a.client.outbox().every((e) => e.status === 'pending')).toBe(true),
    );

    const laptop = env.client(env.server.url); // another device: empty storage, no lastEventId
    await laptop.client.login(bob.username, password);
    await eventually(() => expect(laptop.messages()).toHaveLength(50));
    expect(laptop.messages().map((m) => m.body)).toEqual(bodies);
    await eventually(() =>
      expect(a.client.outbox().every((e) => e.status === 'delivered')).toBe(true),
    );
    await sleep(200);
    expect(laptop.messages()).toHaveLength(50);
  });
});
