import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeError } from './describe-error.js';
import { eventually, password, testClient, username, type TestClient } from './test-clients.js';
import { startTestServer, type TestServer } from './test-server.js';

let server: TestServer;
const clients: TestClient[] = [];
const make = (...args: Parameters<typeof testClient>) => {
  const c = testClient(...args);
  clients.push(c);
  return c;
};

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  for (const c of clients) c.client.close();
  await server.dispose();
});

async function pair() {
  const a = make(server.url);
  const b = make(server.url);
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
    const c = make(server.url);
    const taken = await c.client.register(a.user().username, password).catch((e: unknown) => e);
    expect(describeError(taken)).toMatchObject({ code: 'CONFLICT' });
    expect(describeError(taken).message.length).toBeGreaterThan(5);
  });
});
