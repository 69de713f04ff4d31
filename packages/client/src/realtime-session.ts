import type { AppRouter } from '@parley/api';
import type { ChatEvent, PresenceEvent, User } from '@parley/protocol';
import type { TRPCClient } from '@trpc/client';
import type { Unsubscribable } from '@trpc/server/observable';
import { AckQueue } from './ack-queue.js';
import type { ConnectionTracker } from './connection-tracker.js';
import { errorCode } from './describe-error.js';
import type { Emitter } from './emitter.js';
import { EventLedger, parseLedgerSnapshot, type LedgerSnapshot } from './event-ledger.js';
import { withAck, type EventListeners } from './event-listeners.js';
import { Outbox, type OutboxEntry, type UploadFile } from './outbox.js';
import { PersistedValue } from './persisted-value.js';
import type { KeyValueStorage } from './storage.js';

export interface RealtimeSessionOptions {
  api: TRPCClient<AppRouter>;
  user: User;
  storage: KeyValueStorage;
  storageKey: string;
  retryDelayMs: (attempt: number) => number;
  tracker: ConnectionTracker;
  events: EventListeners;
  /** 'auto': acknowledge an incoming message once the listeners succeeded; 'manual': when `event.ack()` is called. */
  ackMode: 'auto' | 'manual';
  /** Your own messages (sent from other sessions) are not given to the listeners. */
  skipOwnMessages: boolean;
  presence: Emitter<[PresenceEvent]>;
  outboxChanges: Emitter<[OutboxEntry[]]>;
  /** Uploads the file of an outgoing message (`client.files.upload`). */
  upload: UploadFile;
  /** A subscription was refused as UNAUTHORIZED: refresh and open a new socket. */
  onUnauthorized: () => Promise<void>;
}

type Stream = 'events' | 'presence';

/**
 * Everything live for one signed-in user: the `messages.events` stream (resumed from the stored cursor, deduplicated,
 * acknowledged in batches), the presence stream, and the outbox.
 */
export class RealtimeSession {
  readonly outbox: Outbox;
  readonly acks: AckQueue;
  private ledger: EventLedger;
  private readonly ledgerStore: PersistedValue<LedgerSnapshot>;
  private readonly subscriptions: Record<Stream, Unsubscribable | null> = {
    events: null,
    presence: null,
  };
  private readonly attempts: Record<Stream, number> = { events: 0, presence: 0 };
  /** Callbacks of a replaced subscription are ignored: each subscription has its own generation. */
  private readonly generations: Record<Stream, number> = { events: 0, presence: 0 };
  private readonly retryTimers = new Set<ReturnType<typeof setTimeout>>();
  private stopped = false;
  surfaced = 0;
  duplicates = 0;

  constructor(private readonly options: RealtimeSessionOptions) {
    const { storage, storageKey, user, api } = options;
    this.ledger = new EventLedger(user.id);
    this.ledgerStore = new PersistedValue(storage, `${storageKey}:events:${user.id}`, () =>
      this.ledger.snapshot(),
    );
    this.outbox = new Outbox({
      storage,
      key: `${storageKey}:outbox:${user.id}`,
      send: (input) => api.messages.send.mutate(input),
      upload: options.upload,
      retryDelayMs: options.retryDelayMs,
    });
    this.outbox.onChange((entries) => options.outboxChanges.emit(entries));
    this.acks = new AckQueue({
      ack: (messageIds) => api.messages.ack.mutate({ messageIds }),
      retryDelayMs: options.retryDelayMs,
    });
  }

  get cursor(): string | null {
    return this.ledger.cursor;
  }

  async start(): Promise<void> {
    const snapshot = parseLedgerSnapshot(await this.ledgerStore.load());
    if (this.stopped) return;
    this.ledger = new EventLedger(this.options.user.id, snapshot);
    await this.outbox.load();
    if (this.stopped) return;
    this.outbox.start();
    this.subscribe('events');
    this.subscribe('presence');
  }

  /** Stops streams and timers; stored state stays. */
  stop(): void {
    this.stopped = true;
    for (const stream of ['events', 'presence'] as const) this.unsubscribe(stream);
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    this.outbox.close();
    this.acks.close();
  }

  /** The socket was replaced (new token, or a reconnect asked for now): subscribe again from the cursor. */
  resubscribe(): void {
    if (this.stopped) return;
    // A retry already scheduled would subscribe a second time.
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    for (const stream of ['events', 'presence'] as const) {
      this.unsubscribe(stream);
      this.subscribe(stream);
    }
  }

  private unsubscribe(stream: Stream): void {
    this.generations[stream]++;
    this.subscriptions[stream]?.unsubscribe();
    this.subscriptions[stream] = null;
  }

  /** What waits for a backoff timer (unsent messages, acknowledgements) goes now. */
  retryNow(): void {
    if (this.stopped) return;
    this.outbox.retryNow();
    this.acks.retryNow();
  }

  async flush(): Promise<void> {
    await Promise.all([this.acks.flush(), this.ledgerStore.flush(), this.outbox.flush()]);
  }

  /** Forgets the cursor and the outbox in storage (logout, account deletion). */
  async clear(): Promise<void> {
    this.stop();
    await Promise.all([this.ledgerStore.remove(), this.outbox.clear()]);
  }

  private subscribe(stream: Stream): void {
    if (this.stopped) return;
    const { api, tracker } = this.options;
    const generation = ++this.generations[stream];
    const current = () => this.generations[stream] === generation && !this.stopped;
    const callbacks = {
      onStarted: () => {
        if (!current()) return;
        this.attempts[stream] = 0;
        if (stream === 'events') {
          tracker.set({ kind: 'online' });
          // Back online: what waits for a backoff timer goes now.
          this.outbox.retryNow();
          this.acks.retryNow();
        }
      },
      onError: (error: unknown) => {
        if (!current()) return;
        this.subscriptions[stream] = null;
        this.retry(stream, error);
      },
      onComplete: () => {
        // The server ended the stream or the socket was closed under it: start again from the cursor.
        if (!current()) return;
        this.subscriptions[stream] = null;
        this.retry(stream, null);
      },
    };
    this.subscriptions[stream] =
      stream === 'events'
        ? api.messages.events.subscribe(
            { lastEventId: this.ledger.resumeCursor },
            {
              ...callbacks,
              onData: ({ id, data }) => {
                if (current()) this.handle(id, data);
              },
            },
          )
        : api.presence.changes.subscribe(undefined, {
            ...callbacks,
            onData: (event) => {
              if (current()) this.options.presence.emit(event);
            },
          });
  }

  private handle(eventId: string, event: ChatEvent): void {
    const decision = this.ledger.accept(eventId, event);
    if (decision.advanced || decision.surface) this.ledgerStore.save();
    if (event.type === 'status') {
      this.outbox.applyStatus(event.clientId, event.status, event.messageId);
    } else if (event.type === 'read') {
      this.outbox.applyRead(event.conversationId, event.upToMessageId);
    } else if (event.type === 'message-updated') {
      this.outbox.updated(event.message);
    }
    if (decision.ack) this.acks.add(decision.ack);
    const own = event.type === 'message' && event.message.senderId === this.options.user.id;
    if (own && (this.outbox.stored(event.message) || this.options.skipOwnMessages)) {
      // This session's own message, echoed by the per-user log: its outbox entry already stands for it
      // ("your own from another session" is what listeners get, unless skipOwnMessages).
      return;
    }
    if (!decision.surface) {
      this.duplicates++;
      return;
    }
    this.surfaced++;
    const pending = decision.pending;
    const received = withAck(event, pending ? () => this.acknowledge(pending) : () => undefined);
    void this.options.events.dispatch(received, eventId).then((succeeded) => {
      if (pending === null || this.stopped || !this.ledger.isPending(pending)) return;
      if (succeeded && this.options.ackMode === 'auto') this.acknowledge(pending);
      // Failed before it was acknowledged: the server pushes it again, and a reconnect replays it.
      else if (!succeeded) this.ledger.release(pending);
    });
  }

  /** An incoming message is handled: acknowledge it (once) and let the resume cursor pass it. */
  private acknowledge(messageId: string): void {
    if (this.stopped || !this.ledger.settle(messageId)) return;
    this.ledgerStore.save();
    this.acks.add(messageId);
  }

  private retry(stream: Stream, error: unknown): void {
    if (this.stopped) return;
    const attempt = this.attempts[stream]++;
    const unauthorized = errorCode(error) === 'UNAUTHORIZED';
    const delay = this.options.retryDelayMs(attempt);
    if (stream === 'events') {
      this.options.tracker.set({ kind: 'reconnecting', retryAt: Date.now() + delay });
    }
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      if (this.stopped) return;
      if (unauthorized && stream === 'events') {
        // The socket's token is refused: a new socket with a fresh token; both streams follow.
        this.options.onUnauthorized().then(
          () => this.resubscribe(),
          () => this.retry(stream, error),
        );
        return;
      }
      this.subscribe(stream);
    }, delay);
    this.retryTimers.add(timer);
  }
}
