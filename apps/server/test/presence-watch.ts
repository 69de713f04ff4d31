import type { PresenceEvent } from '@parley/protocol';
import { wsClient, type WsTestClient } from './clients.js';
import type { ServerEndpoint } from './start-test-server.js';
import type { TestUser } from './test-users.js';

export type PresenceWatch = {
  events: PresenceEvent[];
  next(
    predicate: (event: PresenceEvent) => boolean,
    timeoutMs?: number,
  ): Promise<{ event: PresenceEvent; afterMs: number }>;
  stop(): Promise<void>;
};

/** B's view: presence.changes over a real WebSocket. */
export function watchPresence(server: ServerEndpoint, viewer: TestUser): PresenceWatch {
  const socket: WsTestClient = wsClient(server, viewer.accessToken);
  const events: PresenceEvent[] = [];
  const waiters = new Set<(event: PresenceEvent) => void>();
  const subscription = socket.client.presence.changes.subscribe(undefined, {
    onData: (event) => {
      events.push(event);
      for (const waiter of waiters) waiter(event);
    },
  });
  return {
    events,
    next(predicate, timeoutMs = 5000) {
      const since = performance.now();
      return new Promise((resolve, reject) => {
        const existing = events.find(predicate);
        if (existing) return resolve({ event: existing, afterMs: 0 });
        const waiter = (event: PresenceEvent) => {
          if (!predicate(event)) return;
          waiters.delete(waiter);
          clearTimeout(timer);
          resolve({ event, afterMs: performance.now() - since });
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(
            new Error(
              `no matching presence event within ${timeoutMs} ms: ${JSON.stringify(events)}`,
            ),
          );
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    async stop() {
      subscription.unsubscribe();
      await socket.close();
    },
  };
}
