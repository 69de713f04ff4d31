import { describe, expect, it } from 'vitest';
import { eventually, password, username } from '../test/test-clients.js';
import { testEnvironment } from '../test/test-environment.js';

const env = testEnvironment({ proxy: true });

/** Only checkConnection() can bring a client back within these tests: the keep-alive and the backoff are slow. */
const slow = {
  keepAlive: { intervalMs: 60_000, pongTimeoutMs: 60_000 },
  retryDelayMs: () => 60_000,
  healthProbeMs: 0,
};

describe('checkConnection()', () => {
  it('finds a silent socket dead within its timeout, reconnects at once, and events flow again', async () => {
    const a = env.client(env.proxy.url, slow); // A's socket goes through the proxy
    const b = env.client(env.server.url);
    const alice = await a.client.register(username('alice'), password);
    await b.client.register(username('bob'), password);
    const conversation = await b.client.api.conversations.open.mutate({ userId: alice.id });
    await eventually(() => expect(a.client.connection().kind).toBe('online'));

    env.proxy.silenceWebSockets();
    b.client.send(conversation.id, 'sent while the socket was silent');
    const started = Date.now();
    const found = await a.client.checkConnection({ timeoutMs: 1_000 });
    const took = Date.now() - started;
    expect(found).toBe('reconnecting');
    expect(took).toBeGreaterThanOrEqual(1_000);
    expect(took).toBeLessThan(1_500);

    await eventually(() => expect(a.client.connection().kind).toBe('online'), 3_000);
    console.log(
      `silent socket found dead and replaced ${Date.now() - started} ms after the check began`,
    );
    await eventually(
      () => expect(a.messages().map((m) => m.body)).toContain('sent while the socket was silent'),
      3_000,
    );
    expect(await a.client.checkConnection({ timeoutMs: 1_000 })).toBe('alive');
  });

  it('a live socket answers within a round trip and is kept', async () => {
    const a = env.client(env.proxy.url, slow);
    await a.client.register(username('carol'), password);
    await eventually(() => expect(a.client.connection().kind).toBe('online'));
    const connections = env.proxy.connections();
    const states = a.states.length;

    const started = Date.now();
    const [first, second] = await Promise.all([
      a.client.checkConnection({ timeoutMs: 2_000 }),
      a.client.checkConnection({ timeoutMs: 2_000 }),
    ]);
    expect([first, second]).toEqual(['alive', 'alive']);
    expect(Date.now() - started).toBeLessThan(500);
    expect(env.proxy.connections()).toBe(connections); // no new socket
    expect(a.states.length).toBe(states); // and no state change
  });

  it('with an answer, a message waiting out its retry delay goes now', async () => {
    const a = env.client(env.proxy.url, { ...slow, requestTimeoutMs: 500 });
    const b = env.client(env.server.url);
    await a.client.register(username('frank'), password);
    const bob = await b.client.register(username('bob'), password);
    const conversation = await a.client.api.conversations.open.mutate({ userId: bob.id });
    await eventually(() => expect(a.client.connection().kind).toBe('online'));

    env.proxy.holdHttp(true); // the send times out and waits a minute for its retry
    const entry = a.client.send(conversation.id, 'waited for a retry');
    await eventually(() =>
      expect(a.client.outbox().find((e) => e.clientId === entry.clientId)?.error).toBeTruthy(),
    );
    env.proxy.holdHttp(false);
    expect(await a.client.checkConnection({ timeoutMs: 1_000 })).toBe('alive');
    await eventually(
      () => expect(b.messages().map((m) => m.body)).toContain('waited for a retry'),
      3_000,
    );
  });

  it('skips the round trip after a recent frame, but not once the socket has been silent that long', async () => {
    const a = env.client(env.proxy.url, slow);
    await a.client.register(username('dave'), password);
    await eventually(() => expect(a.client.connection().kind).toBe('online'));

    env.proxy.silenceWebSockets();
    // The socket opened (and got the presence snapshot) moments ago: trusted without asking.
    expect(await a.client.checkConnection({ timeoutMs: 500, ifSilentForMs: 60_000 })).toBe('alive');
    // Silent for longer than 1 ms: asked, no answer, replaced. (The last frame may have come in the
    // very millisecond of the first check, and then it still counts as recent: let time pass.)
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await a.client.checkConnection({ timeoutMs: 500, ifSilentForMs: 1 })).toBe(
      'reconnecting',
    );
    await eventually(() => expect(a.client.connection().kind).toBe('online'), 3_000);
  });

  it('while a reconnect waits out its backoff, reconnects now', async () => {
    const a = env.client(env.proxy.url, slow);
    await a.client.register(username('erin'), password);
    await eventually(() => expect(a.client.connection().kind).toBe('online'));
    env.proxy.killAll();
    await eventually(() => expect(a.client.connection().kind).toBe('reconnecting'));

    expect(await a.client.checkConnection({ timeoutMs: 1_000 })).toBe('reconnecting');
    await eventually(() => expect(a.client.connection().kind).toBe('online'), 3_000);
  });

  it('does nothing while signed out', async () => {
    const a = env.client(env.proxy.url);
    expect(await a.client.checkConnection()).toBe('offline');
    expect(a.client.connection().kind).toBe('offline');
  });
});
