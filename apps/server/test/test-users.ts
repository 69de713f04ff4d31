import type { ChatEvent } from '@parley/protocol';
import {
  STRONG_PASSWORD,
  httpClient,
  newUsername,
  wsClient,
  type ApiClient,
  type WsTestClient,
} from './clients.js';
import type { ServerEndpoint } from './start-test-server.js';

export type TestUser = {
  id: string;
  username: string;
  password: string;
  accessToken: string;
  /** The real tRPC client over HTTP, as this user. */
  http: ApiClient;
};

/** Registers a fresh account and returns it with an HTTP client that carries its token. */
export async function registerUser(test: ServerEndpoint, prefix = 'user'): Promise<TestUser> {
  const username = newUsername(prefix);
  const result = await httpClient(test).auth.register.mutate({
    username,
    password: STRONG_PASSWORD,
  });
  return {
    id: result.user.id,
    username,
    password: STRONG_PASSWORD,
    accessToken: result.accessToken,
    http: httpClient(test, { token: result.accessToken }),
  };
}

export type TrackedEvent = { id: string; event: ChatEvent };

export type EventRecorder = {
  events: TrackedEvent[];
  /** Message ids whose acknowledgement the server confirmed (with `acknowledge`). */
  acknowledged: Set<string>;
  socket: WsTestClient;
  /** Resolves when the server has started the subscription: events from then on are streamed. */
  started: Promise<void>;
  /** Resolves once `predicate` holds for the events seen so far (rejects after `timeoutMs`). */
  waitFor(
    predicate: (events: TrackedEvent[]) => boolean,
    timeoutMs?: number,
  ): Promise<TrackedEvent[]>;
  stop(): Promise<void>;
};

export type RecordOptions = {
  /** Acknowledge incoming messages as they arrive (batched), as a real client does. */
  acknowledge?: boolean;
};

/** Subscribes to messages.events over a real WebSocket and records every tracked event. */
export function recordEvents(
  test: ServerEndpoint,
  user: TestUser,
  lastEventId?: string,
  options: RecordOptions = {},
): EventRecorder {
  const socket = wsClient(test, user.accessToken);
  const events: TrackedEvent[] = [];
  const waiters = new Set<() => void>();
  const unacknowledged: string[] = [];
  const acknowledged = new Set<string>();
  let ackTimer: ReturnType<typeof setTimeout> | null = null;
  const acknowledgeSoon = () => {
    ackTimer ??= setTimeout(() => {
      ackTimer = null;
      const messageIds = unacknowledged.splice(0, 500);
      if (unacknowledged.length > 0) acknowledgeSoon();
      // A socket closed meanwhile loses the ack: the server pushes those messages again.
      socket.client.messages.ack.mutate({ messageIds }).then(
        ({ delivered }) => delivered.forEach((id) => acknowledged.add(id)),
        () => undefined,
      );
    }, 10);
  };
  let markStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const subscription = socket.client.messages.events.subscribe(
    lastEventId === undefined ? undefined : { lastEventId },
    {
      onStarted: () => markStarted(),
      onData: (tracked) => {
        events.push({ id: tracked.id, event: tracked.data });
        const event = tracked.data;
        if (options.acknowledge && event.type === 'message' && event.message.senderId !== user.id) {
          unacknowledged.push(event.message.id);
          acknowledgeSoon();
        }
        for (const waiter of waiters) waiter();
      },
    },
  );
  return {
    events,
    acknowledged,
    socket,
    started,
    waitFor(predicate, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(events)) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(events);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `timed out after ${timeoutMs} ms; events seen: ${JSON.stringify(events.map((e) => e.event.type))}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async stop() {
      if (ackTimer) clearTimeout(ackTimer);
      subscription.unsubscribe();
      await socket.close();
    },
  };
}

/** The message events of a recording, in order. */
export const messagesIn = (events: TrackedEvent[]) =>
  events.flatMap((tracked) => (tracked.event.type === 'message' ? [tracked.event.message] : []));
