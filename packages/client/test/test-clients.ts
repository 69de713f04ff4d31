import type { ChatEvent, Message, User } from '@parley/protocol';
import WebSocket from 'ws';
import type { ConnectionState } from '../src/connection-tracker.js';
import { createParleyClient } from '../src/create-parley-client.js';
import type { ParleyClient, ParleyClientOptions } from '../src/parley-client.js';

export const password = 'Tr0ub4dor&3-horse';
let serial = 0;

/** A unique, valid username. */
export const username = (prefix: string): string =>
  `${prefix}_${process.pid % 10_000}_${++serial}_${Math.random().toString(36).slice(2, 6)}`;

/** A real client over real sockets (`ws` as the WebSocket), recording what it sees. */
export interface TestClient {
  client: ParleyClient;
  events: { event: ChatEvent; eventId: string; at: number }[];
  states: ConnectionState[];
  /** When each state was entered (Date.now()). */
  stateTimes: number[];
  /** Close codes of every socket this client opened. */
  closeCodes: number[];
  /** Incoming and own messages seen through `onEvent`, in arrival order. */
  messages(): Message[];
  user(): User;
}

export function testClient(url: string, options: Partial<ParleyClientOptions> = {}): TestClient {
  const closeCodes: number[] = [];
  /** `ws`, recording close codes. */
  class RecordingWebSocket extends WebSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      this.on('close', (code) => closeCodes.push(code));
    }
  }
  const client = createParleyClient({ url, WebSocket: RecordingWebSocket, ...options });
  const events: TestClient['events'] = [];
  const states: ConnectionState[] = [];
  const stateTimes: number[] = [];
  client.onEvent((event, eventId) => events.push({ event, eventId, at: Date.now() }));
  client.onConnectionChange((state) => {
    states.push(state);
    stateTimes.push(Date.now());
  });
  return {
    client,
    events,
    states,
    stateTimes,
    closeCodes,
    messages: () =>
      events.flatMap(({ event }) => (event.type === 'message' ? [event.message] : [])),
    user: () => {
      const user = client.user();
      if (!user) throw new Error('not signed in');
      return user;
    },
  };
}

/** Polls `check` until it stops throwing, or fails with its last error after `timeoutMs`. */
export async function eventually<T>(check: () => T, timeoutMs = 10_000, everyMs = 10): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
