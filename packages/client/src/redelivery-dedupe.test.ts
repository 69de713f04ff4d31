import { describe, expect, it } from 'vitest';
import { eventually, password, sleep, username } from '../test/test-clients.js';
import { testEnvironment } from '../test/test-environment.js';

const env = testEnvironment({ proxy: true });

describe('re-pushed messages', () => {
  it('while acks cannot get through, the server pushes again: each message is shown once, every copy re-acked', async () => {
    const a = env.client(env.server.url);
    const b = env.client(env.proxy.url, { requestTimeoutMs: 500 });
    await a.client.register(username('alice'), password);
    const bob = await b.client.register(username('bob'), password);
    const conversation = await a.client.api.conversations.open.mutate({ userId: bob.id });
    await eventually(() => expect(b.client.connection().kind).toBe('online'));

    env.proxy.holdHttp(true); // B's acks (HTTP) hang and time out; its WebSocket still works
    const bodies = ['one', 'two', 'three'];
    for (const body of bodies) a.client.send(conversation.id, body);
    await eventually(() => expect(b.messages().map((m) => m.body)).toEqual(bodies));
    await eventually(() =>
      expect(a.client.outbox().map((e) => e.status)).toEqual(['sent', 'sent', 'sent']),
    );

    // The server's first re-push comes after about 2 s, with the messages' original event ids.
    await eventually(() => expect(b.client.stats().duplicates).toBeGreaterThanOrEqual(3), 15_000);
    expect(b.messages().map((m) => m.body)).toEqual(bodies);
    expect(a.client.outbox().map((e) => e.status)).toEqual(['sent', 'sent', 'sent']);

    env.proxy.holdHttp(false);
    await eventually(
      () =>
        expect(a.client.outbox().map((e) => e.status)).toEqual([
          'delivered',
          'delivered',
          'delivered',
        ]),
      15_000,
    );
    await sleep(100);
    expect(b.messages()).toHaveLength(3);
  }, 40_000);
});
