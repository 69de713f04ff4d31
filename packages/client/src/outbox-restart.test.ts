import { describe, expect, it } from 'vitest';
import type { ConnectionState } from './connection-tracker.js';
import { eventually, password, sleep, username, type TestClient } from '../test/test-clients.js';
import { testEnvironment } from '../test/test-environment.js';

const env = testEnvironment({ proxy: true });

async function historyOf(c: TestClient, conversationId: string) {
  return (await c.client.api.messages.history.query({ conversationId, limit: 100 })).messages;
}

describe('outbox', () => {
  it('a send retried across a server restart (and a client restart) stores one message', async () => {
    const storage = env.fileStorage('a.json');
    const a = env.client(env.server.url, { storage });
    const b = env.client(env.server.url);
    await a.client.register(username('alice'), password);
    const bob = await b.client.register(username('bob'), password);
    const conversation = await a.client.api.conversations.open.mutate({ userId: bob.id });
    await eventually(() => expect(a.client.connection().kind).toBe('online'));

    await env.server.stop();
    await eventually(() => expect(a.client.connection().kind).toBe('reconnecting'));
    const reconnecting = a.client.connection() as Extract<
      ConnectionState,
      { kind: 'reconnecting' }
    >;
    expect(reconnecting.retryAt - Date.now()).toBeLessThanOrEqual(30_000);

    const first = a.client.send(conversation.id, 'sent while the server is down');
    expect(first.status).toBe('sending');
    await eventually(() => expect(a.client.outbox()[0]?.error).toBeTruthy());
    expect(a.client.outbox()[0]?.status).toBe('sending');

    // The client restarts too, while the server is still down: the outbox comes back from storage.
    await a.client.flush();
    a.client.close();
    const a2 = env.client(env.server.url, { storage });
    await a2.client.restore();
    expect(a2.client.outbox().map((e) => [e.clientId, e.status])).toEqual([
      [first.clientId, 'sending'],
    ]);
    const second = a2.client.send(conversation.id, 'and one more');

    await env.server.start();
    await eventually(() => expect(a2.client.connection().kind).toBe('online'), 40_000);
    await eventually(
      () => expect(a2.client.outbox().every((e) => e.status !== 'sending')).toBe(true),
      40_000,
    );
    await eventually(() => expect(b.messages()).toHaveLength(2), 40_000);
    const stored = await historyOf(a2, conversation.id);
    expect(stored.map((m) => [m.clientId, m.body])).toEqual([
      [first.clientId, 'sent while the server is down'],
      [second.clientId, 'and one more'],
    ]);
    const kinds = a2.states.map((s) => s.kind);
    expect(kinds).toContain('reconnecting');
    expect(kinds.at(-1)).toBe('online');
  }, 90_000);

  it('never duplicates when the server stored the message but its answer was lost', async () => {
    const a = env.client(env.proxy.url); // A's requests go through the proxy, which will swallow answers
    const b = env.client(env.server.url);
    await a.client.register(username('alice'), password);
    const bob = await b.client.register(username('bob'), password);
    const conversation = await a.client.api.conversations.open.mutate({ userId: bob.id });

    env.proxy.dropAnswers(true);
    const entry = a.client.send(conversation.id, 'exactly once, please');
    // The server stores it and B gets it, but A never hears back.
    await eventually(() => expect(b.messages()).toHaveLength(1));
    await sleep(100);
    expect(
      a.client.outbox()[0]?.status === 'sending' || a.client.outbox()[0]?.status === 'sent',
    ).toBe(true);
    await eventually(() => expect(a.client.outbox()[0]?.error).toBeTruthy());

    env.proxy.dropAnswers(false);
    await eventually(() => expect(a.client.outbox()[0]?.status).toBe('delivered'), 40_000);
    const stored = await historyOf(b, conversation.id);
    expect(stored.map((m) => m.clientId)).toEqual([entry.clientId]);
    expect(b.messages()).toHaveLength(1);
  }, 90_000);

  it('reconnects with growing, jittered delays from 0.5 s while the server is down, then goes online', async () => {
    const a = env.client(env.server.url);
    await a.client.register(username('alice'), password);
    await eventually(() => expect(a.client.connection().kind).toBe('online'));
    const from = a.states.length;
    await env.server.stop();
    await sleep(4_500);
    await env.server.start();
    await eventually(() => expect(a.client.connection().kind).toBe('online'), 20_000);
    const delays = a.states
      .map((state, i) => (state.kind === 'reconnecting' ? state.retryAt - a.stateTimes[i]! : null))
      .slice(from)
      .filter((d): d is number => d !== null);
    console.log(`[figures] reconnect delays while the server was down: ${delays.join(', ')} ms`);
    expect(delays.length).toBeGreaterThanOrEqual(3);
    const nominal = [500, 1000, 2000, 4000, 8000];
    delays.slice(0, 4).forEach((delay, i) => {
      expect(delay).toBeGreaterThanOrEqual(Math.max(500, nominal[i]! * 0.8) - 5);
      expect(delay).toBeLessThanOrEqual(nominal[i]! * 1.2 + 5);
    });
    expect(a.states.slice(from).map((s) => s.kind)).toContain('connecting');
  }, 40_000);
});
