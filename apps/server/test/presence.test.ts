import type { AppRouter } from '@parley/api';
import type { PresenceEvent } from '@parley/protocol';
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { wsClient, type WsTestClient } from './clients.js';
import { watchPresence } from './presence-watch.js';
import { startTestServer, type TestServer } from './start-test-server.js';
import { startStallingProxy } from './stalling-proxy.js';
import { registerUser, type TestUser } from './test-users.js';

const KEEP_ALIVE_PING_MS = 4000;
const KEEP_ALIVE_PONG_WAIT_MS = 3000;
let test: TestServer;

beforeAll(async () => {
  test = await startTestServer({
    requestsPerMinute: 100_000,
    // Shorter than the defaults (30 s + 10 s), so that the keep-alive test below takes seconds.
    keepAlivePingMs: KEEP_ALIVE_PING_MS,
    keepAlivePongWaitMs: KEEP_ALIVE_PONG_WAIT_MS,
  });
});
afterAll(() => test.dispose());

const isPresence = (userId: string, online: boolean) => (event: PresenceEvent) =>
  event.type === 'presence' && event.userId === userId && event.online === online;

/** An authenticated socket of `user`, open once the server has created its context. */
async function connect(user: TestUser): Promise<WsTestClient> {
  const socket = wsClient(test, user.accessToken);
  await socket.client.auth.me.query();
  return socket;
}

describe('presence.changes', () => {
  it('starts with a snapshot of every peer', async () => {
    const [alice, bob, carol] = await Promise.all([
      registerUser(test, 'a'),
      registerUser(test, 'b'),
      registerUser(test, 'c'),
    ]);
    await bob.http.conversations.open.mutate({ userId: alice.id });
    await bob.http.conversations.open.mutate({ userId: carol.id });
    const aliceSocket = await connect(alice);
    const watch = watchPresence(test, bob);
    try {
      const { event } = await watch.next((e) => e.type === 'snapshot');
      expect(
        event.type === 'snapshot' &&
          [...event.peers].sort((x, y) => x.userId.localeCompare(y.userId)),
      ).toEqual(
        [
          { userId: alice.id, online: true, lastSeenAt: null },
          { userId: carol.id, online: false, lastSeenAt: null },
        ].sort((x, y) => x.userId.localeCompare(y.userId)),
      );
    } finally {
      await watch.stop();
      await aliceSocket.close();
    }
  });

  it('shows a peer online within 1 s of the first connection and offline within 1 s of the last', async () => {
    const [alice, bob] = await Promise.all([registerUser(test, 'a'), registerUser(test, 'b')]);
    await bob.http.conversations.open.mutate({ userId: alice.id });
    const watch = watchPresence(test, bob);
    try {
      await watch.next((e) => e.type === 'snapshot');
      const first = await connect(alice);
      const online = await watch.next(isPresence(alice.id, true));
      expect(online.afterMs).toBeLessThan(1000);

      const second = await connect(alice);
      await first.close();
      // One connection left: still online.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(watch.events.filter(isPresence(alice.id, false))).toHaveLength(0);

      const closedAt = performance.now();
      await second.close();
      const offline = await watch.next(isPresence(alice.id, false));
      expect(performance.now() - closedAt).toBeLessThan(1000);
      expect(offline.event.type === 'presence' && offline.event.lastSeenAt).toBeGreaterThan(
        Date.now() - 5000,
      );
      const [found] = await bob.http.users.search.query({ query: alice.username });
      expect(found?.online).toBe(false);
      const conversation = (await bob.http.conversations.list.query())[0]!;
      expect(conversation.peer.online).toBe(false);
      expect(conversation.peer.lastSeenAt).toBeGreaterThan(0);
    } finally {
      await watch.stop();
    }
  });

  it('includes a peer gained by a new conversation at once, on both sides', async () => {
    const [alice, bob] = await Promise.all([registerUser(test, 'a'), registerUser(test, 'b')]);
    const watchBob = watchPresence(test, bob);
    const watchAlice = watchPresence(test, alice);
    try {
      await watchBob.next((e) => e.type === 'snapshot');
      await watchAlice.next((e) => e.type === 'snapshot');
      await alice.http.conversations.open.mutate({ userId: bob.id });
      // Both are connected (their watches), so each sees the other online.
      await watchBob.next(isPresence(alice.id, true));
      await watchAlice.next(isPresence(bob.id, true));
    } finally {
      await watchBob.stop();
      await watchAlice.stop();
    }
    const after = watchPresence(test, alice);
    try {
      const { event } = await after.next((e) => e.type === 'snapshot');
      expect(event.type === 'snapshot' && event.peers.map((peer) => peer.userId)).toEqual([bob.id]);
    } finally {
      await after.stop();
    }
  });

  it('keeps lastSeenAt across restarts', async () => {
    const [alice, bob] = await Promise.all([registerUser(test, 'a'), registerUser(test, 'b')]);
    await bob.http.conversations.open.mutate({ userId: alice.id });
    const aliceSocket = await connect(alice);
    await aliceSocket.close();
    await expect
      .poll(async () => (await bob.http.conversations.list.query())[0]?.peer.lastSeenAt ?? null)
      .not.toBeNull();
    const seen = (await bob.http.conversations.list.query())[0]!.peer.lastSeenAt;
    await test.restart();
    const watch = watchPresence(test, bob);
    try {
      const { event } = await watch.next((e) => e.type === 'snapshot');
      expect(event.type === 'snapshot' && event.peers).toEqual([
        { userId: alice.id, online: false, lastSeenAt: seen },
      ]);
    } finally {
      await watch.stop();
    }
  });

  it(
    'turns a peer offline when its connection dies without a close frame (keep-alive)',
    { timeout: 30_000 },
    async () => {
      const [alice, bob] = await Promise.all([registerUser(test, 'a'), registerUser(test, 'b')]);
      await bob.http.conversations.open.mutate({ userId: alice.id });
      const watch = watchPresence(test, bob);
      const proxy = await startStallingProxy(test.server.port);
      let dying: ReturnType<typeof createWSClient> | null = null;
      try {
        await watch.next((e) => e.type === 'snapshot');
        // Alice connects only now: had she connected first, the snapshot would already say online.
        dying = createWSClient({
          url: `ws://127.0.0.1:${proxy.port}/trpc`,
          WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
          connectionParams: { token: alice.accessToken },
          retryDelayMs: () => 600_000,
        });
        await createTRPCClient<AppRouter>({ links: [wsLink({ client: dying })] }).auth.me.query();
        await watch.next(isPresence(alice.id, true));
        const stalledAt = performance.now();
        proxy.stall();
        // Pinged within ping + one sweep (a fifth of the shorter period) of quiet, dropped within
        // wait + one sweep of that; presence then follows within 1 s.
        const bound = KEEP_ALIVE_PING_MS + KEEP_ALIVE_PONG_WAIT_MS + 3000;
        await watch.next(isPresence(alice.id, false), bound + 5000);
        const detectedAfter = performance.now() - stalledAt;
        console.log(`dead connection detected after ${(detectedAfter / 1000).toFixed(1)} s`);
        expect(detectedAfter).toBeLessThan(bound);
      } finally {
        await watch.stop();
        await proxy.close();
        await dying?.close().catch(() => undefined);
      }
    },
  );
});
