import { describe, expect, it } from 'vitest';
import { eventually, password, username } from '../test/test-clients.js';
import { testEnvironment } from '../test/test-environment.js';

// 1,000 sends in a few seconds is past the default 1,000 requests a minute; this test is about delivery.
const env = testEnvironment({ server: { requestsPerMinute: 100_000 }, proxy: true });

describe('a burst of 1,000 messages', () => {
  it('B’s socket is killed abruptly mid-burst; after reconnecting B holds every message exactly once, in order', async () => {
    const a = env.client(env.server.url);
    const b = env.client(env.proxy.url); // B's HTTP and WebSocket both go through the proxy
    await a.client.register(username('alice'), password);
    const bob = await b.client.register(username('bob'), password);
    await eventually(() => expect(b.client.connection().kind).toBe('online'));
    const conversation = await a.client.api.conversations.open.mutate({ userId: bob.id });

    const bodies = Array.from({ length: 1000 }, (_, i) => `burst ${String(i).padStart(4, '0')}`);
    const started = Date.now();
    for (const body of bodies) a.client.send(conversation.id, body);

    await eventually(() => expect(b.messages().length).toBeGreaterThanOrEqual(300), 30_000, 1);
    const receivedBeforeKill = b.messages().length;
    const storedBeforeKill = a.client.outbox().filter((e) => e.status !== 'sending').length;
    env.proxy.killAll();
    const killedAt = Date.now();

    await eventually(() => expect(b.client.connection().kind).not.toBe('online'), 5_000, 1);
    await eventually(() => expect(b.client.connection().kind).toBe('online'), 10_000);
    const reconnectedAfter = Date.now() - killedAt;
    await eventually(() => expect(b.messages().length).toBeGreaterThanOrEqual(1000), 60_000);
    const allReceivedAfter = Date.now() - started;

    const received = b.messages();
    expect(received).toHaveLength(1000);
    expect(new Set(received.map((m) => m.id)).size).toBe(1000);
    expect(received.map((m) => m.body)).toEqual(bodies);
    const ids = received.map((m) => BigInt(m.id));
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
    expect(b.client.stats().drops).toBeGreaterThanOrEqual(1);
    expect(b.states.some((s) => s.kind === 'reconnecting')).toBe(true);

    await eventually(
      () => expect(a.client.outbox().every((e) => e.status === 'delivered')).toBe(true),
      60_000,
    );
    const history = [];
    let before: string | undefined;
    for (;;) {
      const page = await a.client.api.messages.history.query({
        conversationId: conversation.id,
        limit: 100,
        ...(before ? { before } : {}),
      });
      history.unshift(...page.messages);
      if (!page.nextBefore) break;
      before = page.nextBefore;
    }
    expect(history.map((m) => m.body)).toEqual(bodies);
    const stats = b.client.stats();
    console.log(
      `[figures] burst: B had ${receivedBeforeKill} messages (A had ${storedBeforeKill} stored) when its socket was reset; ` +
        `back online after ${reconnectedAfter} ms; all 1000 received ${allReceivedAfter} ms after the first send; ` +
        `duplicates dropped ${stats.duplicates}, acks sent ${stats.acknowledged}, proxy connections ${env.proxy.connections()}`,
    );
  }, 120_000);
});
