import type { AppRouter } from '@parley/api';
import type { ChatEvent, Message, PresenceEvent, Settings, User } from '@parley/protocol';
import type { TRPCClient } from '@trpc/client';
import type { CheckConnectionOptions, ConnectionCheck } from './connection-check.js';
import type { ConnectionState } from './connection-tracker.js';
import type { EventListener } from './event-listeners.js';
import type { ErrorHook } from './listener-errors.js';
import type { OutboxEntry, OutgoingFile } from './outbox.js';
import type { ParleyFiles } from './parley-files.js';
import type { KeyValueStorage } from './storage.js';
import type { TypingNotifier } from './typing-notifier.js';
import type { WebSocketConstructor } from './websocket.js';

export interface ParleyClientOptions {
  /** The server's base URL, e.g. `http://localhost:3000` (HTTP at `/trpc`, WebSocket at `ws(s)://…/trpc`). */
  url: string;
  /** Where tokens, the event cursor and the outbox are kept. @default memoryStorage() (nothing survives a restart) */
  storage?: KeyValueStorage;
  /**
   * A WebSocket class, for runtimes without a global one: in Node 20 pass the one of the `ws` package.
   * @default globalThis.WebSocket (browsers, Electron, Node 22+)
   */
  WebSocket?: WebSocketConstructor;
  /** Prefix of every storage key, to keep several servers or profiles apart in one storage. @default 'parley' */
  storageKey?: string;
  /** Delay before reconnect or retry attempt `attempt`. @default backoffDelay (0.5 s → 30 s, ±20 % jitter) */
  retryDelayMs?: (attempt: number) => number;
  /** A query or mutation not answered within this time fails (and the outbox and acks retry it). @default 20000 */
  requestTimeoutMs?: number;
  /**
   * Send a ping after this long without hearing from the server, and drop a connection whose pong
   * is late. Below the server's own ping (30 s of quiet by default), so the server never pings
   * this client and one round trip per interval keeps an idle connection checked.
   * @default { intervalMs: 25000, pongTimeoutMs: 5000 }
   */
  keepAlive?: { intervalMs: number; pongTimeoutMs: number };
  /**
   * While a reconnect is scheduled, ask `GET /healthz` this often (±20 %) whether the server is back, and
   * reconnect at once when it is. 0 turns probing off. @default 1000
   */
  healthProbeMs?: number;
  /** The fetch used for health probes. @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  /**
   * When an incoming message is acknowledged (then it is `delivered`, and the server stops pushing it):
   * - `'auto'`: once every `onEvent` listener returned, or their promises resolved. If one throws or rejects,
   *   the message is not acknowledged: the server pushes it again (after 2 s, 4 s, … up to a minute) and a
   *   reconnect or restart replays it, so it reaches the listeners again.
   * - `'manual'`: only when you call `event.ack()`. Until then, copies of the message are not shown again; if the
   *   listener throws or rejects before calling it, the next copy is.
   * @default 'auto'
   */
  ack?: 'auto' | 'manual';
  /** Do not give `onEvent` listeners your own messages sent from other sessions (a bot answering itself). @default false */
  skipOwnMessages?: boolean;
  /**
   * Called when a listener (`onEvent`, `onPresence`, `onAuthChange`, …) throws or its promise rejects. The
   * client carries on either way. @default one `console.error` line prefixed `[parley]`
   */
  onError?: ErrorHook;
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

export interface SendOptions {
  /** The message this one replies to, of the same conversation. */
  replyToId?: string;
  /** A file to upload and send with the message. */
  file?: OutgoingFile;
}

export interface ParleyClient {
  /** Every procedure of docs/api.md, typed; HTTP with the access token for queries and mutations, WebSocket for subscriptions. */
  api: TRPCClient<AppRouter>;
  /** Attachments: `upload` (with progress and cancel) before sending a message with its `fileId`, and `download`. */
  files: ParleyFiles;
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
  /**
   * Asks the server now whether the socket still works, for when a person starts looking (window focus,
   * the page becoming visible, the browser's `online` event) or is about to send: a ping that must be
   * answered within `timeoutMs` (default 3 s). Without an answer the socket counts as dead and a new one
   * is opened at once, instead of when the keep-alive (25 s + 5 s by default) would notice; with an
   * answer, unsent messages waiting for a retry go now. While a reconnect waits out its backoff, it
   * reconnects now. Resolves `'offline'` and does nothing while
   * signed out. Concurrent calls share one check.
   */
  checkConnection(options?: CheckConnectionOptions): Promise<ConnectionCheck>;
  /**
   * Every chat event once (replays and re-pushes are dropped), to a listener that may be async. Incoming messages
   * are acknowledged once the listeners succeeded (or at `event.ack()` with `ack: 'manual'`); one whose
   * listener failed comes again.
   */
  onEvent(listener: EventListener): () => void;
  /** Whether the event is a message you sent (from this or another session). */
  isOwn(event: ChatEvent): boolean;
  onPresence(listener: (event: PresenceEvent) => void): () => void;
  /**
   * Queues a message and returns at once with status `sending` (or `failed` when the body is invalid).
   * `replyToId` makes it a reply to that message (of the same conversation). Ends this client's typing
   * indicator in the conversation (the server tells the peer).
   *
   * With a `file`, the file is uploaded first (progress in the entry's `file.loaded`, retried with backoff
   * while the server cannot be reached) and the message is sent with its `fileId`; the body may then be
   * empty. The file's bytes stay in memory until uploaded: an app that closes before that loses them (the
   * entry is then `failed` on the next start), while a message whose file was uploaded is still sent.
   */
  send(conversationId: string, body: string, options?: SendOptions): OutboxEntry;
  /** Drops a queued message not sent yet (its upload is aborted); false once it is sent or being sent. */
  cancelSend(clientId: string): boolean;
  /** Queues a `failed` message again (a failed upload, a refused send); false when it cannot be retried. */
  retrySend(clientId: string): boolean;
  /** Changing messages already sent: only your own (docs/api.md, "Release 2 additions"). */
  messages: {
    /**
     * Replaces the body of your message, within the server's edit window (24 h by default); the answer is the
     * message as it is now (`editedAt` set). Both participants get a `message-updated` event.
     */
    edit(messageId: string, body: string): Promise<Message>;
    /** Deletes your message for everyone: its text is erased and a tombstone stays. Deleting twice is fine. */
    delete(messageId: string): Promise<void>;
  };
  account: {
    /** Your read-receipt and typing-indicator settings (both on by default; each works both ways). */
    settings(): Promise<Settings>;
    /** Changes the given settings; resolves with all of them. */
    updateSettings(change: Partial<Settings>): Promise<Settings>;
    /**
     * Changes your password. This client keeps working with the new tokens (and keeps them in `storage`, as
     * login does); every other session of the account ends.
     */
    changePassword(currentPassword: string, newPassword: string): Promise<User>;
  };
  conversations: {
    /** Shows the peer that you are typing (or stopped). Prefer `typing`, which throttles. */
    typing(conversationId: string, typing: boolean): Promise<void>;
  };
  /**
   * The typing indicator, throttled: call `typing.typed(id)` on each key press that changes a draft (`true`
   * goes at once, then at most every 3 s), and `typing.stopped()` when the draft is cleared, the composer loses
   * focus or the conversation is left (`false`, once). `send` ends it by itself.
   */
  typing: TypingNotifier;
  outbox(): OutboxEntry[];
  onOutboxChange(listener: (entries: OutboxEntry[]) => void): () => void;
  /** Resolves once tokens, cursor and outbox are written to storage and queued acks are sent. */
  flush(): Promise<void>;
  stats(): ParleyClientStats;
  /** Closes the connection and stops every timer; stored state stays for the next start. */
  close(): void;
}
