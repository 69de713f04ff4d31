import { randomUUID } from 'node:crypto';
import type { PresenceEvent, TypingEvent } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf } from './clients.js';
import { watchPresence } from './presence-watch.js';
import { startTestServer, type TestServer } from './start-test-server.js';
import { registerUser } from './test-users.js';

// Release 2: typing indicators on presence.changes, never stored, reciprocal (docs/api.md).
let test: TestServer;

beforeAll(async () => {
  test = await startTestServer({ requestsPerMinute: 100_000 });
});
afterAll(() => test.dispose());

async function pair() {
  const [alice, bob] = await Promise.all([registerUser(test, 'alice'), registerUser(test, 'bob')]);
  const conversationId = (await alice.http.conversations.open.mutate({ userId: bob.id })).id;
  const bobSees = watchPresence(test, bob);
  await bobSees.next((event) => event.type === 'snapshot');
  const typing = (value: boolean) =>
    alice.http.conversations.typing.mutate({ conversationId, typing: value });
  return { alice, bob, conversationId, bobSees, typing };
}

const typingEvents = (events: PresenceEvent[]): TypingEvent[] =>
  events.flatMap((event) => (event.type === 'typing' ? [event] : []));
const isTyping = (value: boolean) => (event: PresenceEvent) =>
  event.type === 'typing' && event.typing === value;
const quietFor = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('conversations.typing', () => {
  it('shows the peer typing within 1 s, and typing: false after 6 s without a renewal', async () => {
    const { alice, conversationId, bobSees, typing } = await pair();
    try {
      expect(await typing(true)).toEqual({ ok: true });
      const shown = await bobSees.next(isTyping(true), 1000);
      expect(shown.event).toEqual({
        type: 'typing',
        conversationId,
        userId: alice.id,
        typing: true,
      });
      const since = performance.now();
      // A renewal is not shown again.
      await typing(true);
      const renewedAt = performance.now();
      const ended = await bobSees.next(isTyping(false), 9000);
      const afterRenewalMs = performance.now() - renewedAt;
      expect(ended.event).toEqual({
        type: 'typing',
        conversationId,
        userId: alice.id,
        typing: false,
      });
      expect(afterRenewalMs).toBeGreaterThanOrEqual(5900);
      expect(afterRenewalMs).toBeLessThan(7000);
      expect(performance.now() - since).toBeGreaterThanOrEqual(5900);
      expect(typingEvents(bobSees.events).map((event) => event.typing)).toEqual([true, false]);
    } finally {
      await bobSees.stop();
    }
  }, 20_000);

  it('shows typing: false at once on an explicit false and on a sent message', async () => {
    const { alice, conversationId, bobSees, typing } = await pair();
    try {
      await typing(true);
      await bobSees.next(isTyping(true), 1000);
      await typing(false);
      expect((await bobSees.next(isTyping(false), 1000)).afterMs).toBeLessThan(1000);

      await typing(true);
      await bobSees.next(
        (event) => typingEvents(bobSees.events).length === 3 && isTyping(true)(event),
        1000,
      );
      await alice.http.messages.send.mutate({ conversationId, clientId: randomUUID(), body: 'hi' });
      await bobSees.next(() => typingEvents(bobSees.events).length === 4, 1000);
      expect(typingEvents(bobSees.events).map((event) => event.typing)).toEqual([
        true,
        false,
        true,
        false,
      ]);
    } finally {
      await bobSees.stop();
    }
  });

  for (const whoTurnsOff of ['viewer', 'typist'] as const) {
    it(`is neither sent nor shown when the ${whoTurnsOff} turned typing indicators off`, async () => {
      const { alice, bob, bobSees, typing } = await pair();
      try {
        await (whoTurnsOff === 'viewer' ? bob : alice).http.account.updateSettings.mutate({
          typingIndicators: false,
        });
        expect(await typing(true)).toEqual({ ok: true });
        await quietFor(500);
        expect(typingEvents(bobSees.events)).toEqual([]);
        // On again: shown again (so the silence above was the setting).
        await (whoTurnsOff === 'viewer' ? bob : alice).http.account.updateSettings.mutate({
          typingIndicators: true,
        });
        await typing(true);
        await bobSees.next(isTyping(true), 1000);
      } finally {
        await bobSees.stop();
      }
    });
  }

  it('refuses someone else’s conversation (FORBIDDEN) and is never stored', async () => {
    const { conversationId, bobSees } = await pair();
    try {
      const stranger = await registerUser(test, 'stranger');
      const error = await errorOf(
        stranger.http.conversations.typing.mutate({ conversationId, typing: true }),
      );
      expect(error.data?.code).toBe('FORBIDDEN');
      await quietFor(300);
      expect(typingEvents(bobSees.events)).toEqual([]);
    } finally {
      await bobSees.stop();
    }
  });

  it('counts towards the request rate limit', async () => {
    const limited = await startTestServer({ requestsPerMinute: 5 });
    try {
      const [alice, bob] = await Promise.all([
        registerUser(limited, 'alice'),
        registerUser(limited, 'bob'),
      ]);
      const conversationId = (await alice.http.conversations.open.mutate({ userId: bob.id })).id;
      for (let call = 0; call < 4; call += 1) {
        await alice.http.conversations.typing.mutate({ conversationId, typing: true });
      }
      const refused = await errorOf(
        alice.http.conversations.typing.mutate({ conversationId, typing: true }),
      );
      expect(refused.data?.code).toBe('TOO_MANY_REQUESTS');
    } finally {
      await limited.dispose();
    }
  });
});
