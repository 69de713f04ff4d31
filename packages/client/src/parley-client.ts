import type { AppRouter } from '@parley/api';
import type { ChatEvent, PresenceEvent, User } from '@parley/protocol';
import type { TRPCClient } from '@trpc/client';
import type { ConnectionState } from './connection-tracker.js';
import type { OutboxEntry } from './outbox.js';
import type { KeyValueStorage } from './storage.js';

export interface ParleyClientOptions {
  /** The server's base URL, e.g. `http://localhost:3000` (HTTP at `/trpc`, WebSocket at `ws(s)://…/trpc`). */
  url: string;
  /** Where tokens, the event cursor and the outbox are kept. @default memoryStorage() (nothing survives a restart) */
  storage?: KeyValueStorage;
  /** A WebSocket class, for runtimes without a global one: pass `ws` in Node 20. @default globalThis.WebSocket */
  WebSocket?: unknown;
  /** Prefix of every storage key, to keep several servers or profiles apart in one storage. @default 'parley' */
  storageKey?: string;
  /** Delay before reconnect or retry attempt `attempt`. @default backoffDelay (0.5 s → 30 s, ±20 % jitter) */
  retryDelayMs?: (attempt: number) => number;
  /** A query or mutation not answered within this time fails (and the outbox and acks retry it). @default 20000 */
  requestTimeoutMs?: number;
  /** Send a ping this often and drop a connection whose pong is late. @default { intervalMs: 10000, pongTimeoutMs: 5000 } */
  keepAlive?: { intervalMs: number; pongTimeoutMs: number };
  /**
   * While a reconnect is scheduled, ask `GET /healthz` this often (±20 %) whether the server is back, and
   * reconnect at once when it is. 0 turns probing off. @default 1000
   */
  healthProbeMs?: number;
  /** The fetch used for health probes. @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
}

/** Counters for diagnostics and tests. */
export interface ParleyClientStats {
  /** The last event id seen: where `messages.events` resumes. */
  cursor: string | null;
  /** `auth.refresh` calls answered. */
  refreshes: number;
  /** Messages acknowledged to the server (duplicates included). */
  acknowledged: number;
  /** Events surfaced to `onEvent` listeners. */
  events: number;
  /** Duplicate events dropped (replays, re-pushes). */
  duplicates: number;
  /** Times the live connection was lost after being online. */
  drops: number;
}

export interface ParleyClient {
  /** Every procedure of docs/api.md, typed; HTTP with the access token for queries and mutations, WebSocket for subscriptions. */
  api: TRPCClient<AppRouter>;
  /** The signed-in user, or null. */
  user(): User | null;
  register(username: string, password: string): Promise<User>;
  login(username: string, password: string): Promise<User>;
  /** Ends the server session; forgets the tokens, the event cursor and the outbox. */
  logout(): Promise<void>;
  deleteAccount(password: string): Promise<void>;
  /** Resumes a stored session (refresh token in storage); null when there is none or the server ended it. */
  restore(): Promise<User | null>;
  onAuthChange(listener: (user: User | null) => void): () => void;
  connection(): ConnectionState;
  onConnectionChange(listener: (state: ConnectionState) => void): () => void;
  /**
   * Reconnects now instead of when the scheduled retry comes (a "Retry now" button, the browser's
   * `online` event), and retries unsent messages at once. Does nothing while signed out.
   */
  reconnectNow(): void;
  /** Every chat event once (replays and re-pushes are dropped); incoming messages are acknowledged automatically. */
  onEvent(listener: (event: ChatEvent, eventId: string) => void): () => void;
  onPresence(listener: (event: PresenceEvent) => void): () => void;
  /** Queues a message and returns at once with status `sending` (or `failed` when the body is invalid). */
  send(conversationId: string, body: string): OutboxEntry;
  outbox(): OutboxEntry[];
  onOutboxChange(listener: (entries: OutboxEntry[]) => void): () => void;
  /** Resolves once tokens, cursor and outbox are written to storage and queued acks are sent. */
  flush(): Promise<void>;
  stats(): ParleyClientStats;
  /** Closes the connection and stops every timer; stored state stays for the next start. */
  close(): void;
}
