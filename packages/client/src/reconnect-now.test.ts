import { describe, expect, it } from 'vitest';
import { eventually, password, sleep, username } from '../test/test-clients.js';
import { testEnvironment } from '../test/test-environment.js';

const env = testEnvironment();

/** Every wait between attempts is a minute: only a probe or reconnectNow() can bring the client back sooner. */
const slowRetry = () => 60_000;

describe('back as soon as the server is', () => {
  it('a health probe notices the server is back and reconnects at once; a message queued meanwhile goes out', async () => {
    const a = env.client(env.server.url, { retryDelayMs: slowRetry, healthProbeMs: 300 });
    const b = env.client(env.server.url);
    await a.client.register(username('alice'), password);
    const bob = await b.client.register(username('bob'), password);
    const conversation = await a.client.api.conversations.open.mutate({ userId: bob.id });
    await eventually(() => expect(a.client.connection().kind).toBe('online'));

    await env.server.stop();
    await eventually(() => expect(a.client.connection().kind).toBe('reconnecting'));
    const entry = a.client.send(conversation.id, 'sent while the server was down');
    await sleep(500);
    expect(a.client.outbox().find((e) => e.clientId === entry.clientId)?.status).toBe('sending');

    await env.server.start();
    const healthyAt = Date.now();
    await eventually(() => expect(a.client.connection().kind).toBe('online'), 5_000);
    await eventually(
      () =>
        expect(a.client.outbox().find((e) => e.clientId === entry.clientId)?.status).not.toBe(
          'sending',
        ),
      5_000,
    );
    const took = Date.now() - healthyAt;
    console.log(`reconnected and sent ${took} ms after the server was healthy (retry delay 60 s)`);
    expect(took).toBeLessThan(3_000);
    await eventually(() =>
      expect(b.messages().map((m) => m.body)).toContain('sent while the server was down'),
    );
  });

  it('reconnectNow() skips the wait; the countdown never jumps up while it runs', async () => {
    const a = env.client(env.server.url, { retryDelayMs: slowRetry, healthProbeMs: 0 });
    await a.client.register(username('carol'), password);
    await eventually(() => expect(a.client.connection().kind).toBe('online'));
    await env.server.stop();
    await eventually(() => expect(a.client.connection().kind).toBe('reconnecting'));
    await env.server.start();
    await sleep(1_000);
    expect(a.client.connection().kind).toBe('reconnecting'); // no probe: still waiting
    a.client.reconnectNow();
    await eventually(() => expect(a.client.connection().kind).toBe('online'), 3_000);

    // Between two 'connecting' states the retry time only ever comes closer.
    let previous = Infinity;
    for (const state of a.states) {
      if (state.kind === 'reconnecting') {
        expect(state.retryAt).toBeLessThanOrEqual(previous);
        previous = state.retryAt;
      } else previous = Infinity;
    }
  });

  it('reconnectNow() does nothing while signed out', () => {
    const a = env.client(env.server.url);
    a.client.reconnectNow();
    expect(a.client.connection().kind).toBe('offline');
  });
});
