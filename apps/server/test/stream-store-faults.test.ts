import { randomUUID } from 'node:crypto';
import type { Store } from '@parley/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './start-test-server.js';
import { messagesIn, recordEvents, registerUser, type TestUser } from './test-users.js';

/** Makes the next `failures` calls to the stream's store reads and writes throw, as a locked or failing database would. */
class StoreFaults {
  failures = 0;
  thrown = 0;

  wrap(store: Store): Store {
    const trip = <R extends object>(repository: R, methods: string[]): R =>
      new Proxy(repository, {
        get: (target, name, receiver) => {
          const value = Reflect.get(target, name, receiver) as unknown;
          if (typeof value !== 'function') return value;
          const method = value as (...args: unknown[]) => unknown;
          if (!methods.includes(String(name))) return method.bind(target);
          return (...args: unknown[]) => {
            if (this.failures > 0) {
              this.failures--;
              this.thrown++;
              return Promise.reject(new Error('SQLITE_BUSY: database is locked (injected)'));
            }
            return method.apply(target, args);
          };
        },
      });
    const events = trip(store.events, ['after', 'undelivered', 'head']);
    // Not markSent: `sent` is recorded apart from the stream, half a second after a push, and its
    // own retries are tested in packages/core (sent-status-recorder.test.ts).
    const messages = trip(store.messages, ['byIds']);
    return new Proxy(store, {
      get: (target, name, receiver) => {
        if (name === 'events') return events;
        if (name === 'messages') return messages;
        const value = Reflect.get(target, name, receiver) as unknown;
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
  }
}

const faults = new StoreFaults();
let test: TestServer;
let alice: TestUser;
let bob: TestUser;
let conversationId: string;

beforeAll(async () => {
  test = await startTestServer({ wrapStore: (store) => faults.wrap(store) });
  [alice, bob] = await Promise.all([registerUser(test, 'alice'), registerUser(test, 'bob')]);
  conversationId = (await alice.http.conversations.open.mutate({ userId: bob.id })).id;
});
afterAll(() => test.dispose());

const send = (body: string) =>
  alice.http.messages.send.mutate({ conversationId, clientId: randomUUID(), body });

describe('messages.events while the database fails for a while', () => {
  it('keeps the subscription: later messages arrive without subscribing again', async () => {
    // The live path of a running stream needs no store call (events come with their messages),
    // so the fault is met where a stream must read: its start (log head, undelivered messages).
    const during = await send('while the database fails');
    faults.failures = 4;
    const recording = recordEvents(test, bob);
    try {
      await recording.started;
      await recording.waitFor(
        (events) => messagesIn(events).some((m) => m.id === during.id),
        10_000,
      );
      expect(faults.thrown).toBe(4);
      // One subscription throughout: it was never ended with an error.
      expect(recording.socket.closeCodes).toEqual([]);
      // And it goes on afterwards.
      const later = await send('later');
      await recording.waitFor((events) => messagesIn(events).some((m) => m.id === later.id));
    } finally {
      await recording.stop();
    }
  });
});
