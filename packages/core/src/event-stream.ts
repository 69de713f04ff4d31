import type { EventRecord, MessageRecord, Store } from '@parley/db';
import type { ChatEvent } from '@parley/protocol';
import type { ConversationService } from './conversation-service.js';
import type { CoreConfig } from './core-config.js';
import type { LiveEventFeed } from './live-event-feed.js';
import { LiveEventQueue } from './live-event-queue.js';
import type { LoadGauge } from './load-gauge.js';
import type { Logger } from './logger.js';
import { retryWhileOpen } from './retry-while-open.js';
import type { SentStatusRecorder } from './sent-status-recorder.js';
import type { StreamConnection } from './stream-connection.js';
import { toMessage } from './to-message.js';
import { Waker } from './waker.js';

export type TrackedChatEvent = { id: string; event: ChatEvent };

const PAGE_SIZE = 500;
/** A quiet stream still looks at its log this often, should a wake-up have been missed. */
const IDLE_WAIT_MS = 300_000;
/** Live events a stream holds before it falls back to reading its log (a consumer far behind). */
const LIVE_QUEUE_CAPACITY = 2000;
/**
 * Redelivery waits while the connection holds more than this unsent: what is queued will arrive,
 * and a copy behind it only adds to the queue.
 */
export const REDELIVERY_MAX_BUFFERED_BYTES = 64 * 1024;

type Redelivery = { attempts: number; dueAt: number };
/** Retries a store call until it succeeds or the stream ends (see retryWhileOpen). */
type Reliably = <T>(operation: () => Promise<T>) => Promise<T>;

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * `messages.events`: replay the user's durable log after the cursor, then tail it. The live
 * listener is registered before the first read, so an event appended during the replay is seen:
 * no gap; the cursor only moves forward: no duplicate. While the stream keeps up, the events
 * appended in this process come with their messages and are sent without reading the log back;
 * a gap in them (another process appended, or the stream fell behind) is read from the log.
 *
 * A message pushed again (unacknowledged, or still undelivered when the stream starts) goes out
 * under the cursor's id, never its own older one: clients resume after the last id they saw
 * (tRPC's `tracked()`), so an older id would replay everything after it. Undelivered messages at
 * or before the cursor are pushed again when a stream starts, fresh or resumed.
 *
 * A message that the stream's own connection sent is not sent back to it when it comes from the
 * live feed (the send's answer carried it; "the session that sent it may see it too"): its event
 * is passed over and the cursor moves on. Read from the log (a resume, a gap), it is sent.
 *
 * Redelivery only helps while the server keeps up: while the event loop is saturated or the
 * connection's send buffer is backed up, a due re-push waits for the next period (without counting
 * as an attempt): the first push is still on its way, or its acknowledgement is queued here.
 */
export class EventStream {
  constructor(
    private readonly store: Store,
    private readonly conversations: ConversationService,
    private readonly config: CoreConfig,
    private readonly feed: LiveEventFeed,
    private readonly log: Logger,
    private readonly load: Pick<LoadGauge, 'isSaturated'>,
    private readonly sentMarks: Pick<SentStatusRecorder, 'add'>,
  ) {}

  async *stream(
    userId: string,
    lastEventId: string | null,
    signal: AbortSignal,
    /** The connection the stream runs on (null: not a WebSocket, e.g. a test's direct call). */
    connection: StreamConnection | null = null,
  ): AsyncGenerator<TrackedChatEvent> {
    const waker = new Waker();
    const live = new LiveEventQueue(LIVE_QUEUE_CAPACITY);
    let cursor = lastEventId === null ? 0 : Number(lastEventId);
    /** The log may hold events after the cursor that the live queue does not. */
    let readLog = true;
    const redeliveries = new Map<string, Redelivery>();
    /** Ids of live events that are this connection's own sent messages: not sent back to it. */
    const ownEchoes = new Set<number>();
    const unsubscribe = this.feed.subscribe(userId, {
      events: (appended, origin) => {
        if (origin !== null && origin === connection) {
          for (const event of appended) {
            if (event.type === 'message' && event.message?.senderId === userId) {
              ownEchoes.add(event.seq);
            }
          }
        }
        live.add(appended);
        waker.notify();
      },
      grew: (seq) => {
        if (seq > Math.max(cursor, live.highest)) {
          readLog = true;
          waker.notify();
        }
      },
      resync: () => {
        readLog = true;
        waker.notify();
      },
      // Acknowledged here: no store read at its redelivery time to find that out.
      delivered: (messageIds) => {
        for (const id of messageIds) redeliveries.delete(id);
      },
    });
    // A failing database pauses the stream, it does not end it: clients need not subscribe again.
    const reliably: Reliably = (operation) =>
      retryWhileOpen(operation, signal, this.log, { event: 'stream-store-error', userId });
    try {
      // A fresh device starts at the head; fresh or resumed, every message still undelivered to
      // the user up to the cursor comes first (the client may never have seen it), then what is new.
      if (lastEventId === null) cursor = await reliably(() => this.store.events.head(userId));
      {
        let after: string | null = null;
        for (;;) {
          const page = await reliably(() =>
            this.store.events.undelivered(userId, after, PAGE_SIZE),
          );
          const rows = page.filter((row) => row.seq <= cursor);
          const messages = await reliably(() => this.messagesOf(rows));
          yield* this.render(userId, rows, messages, redeliveries, ownEchoes, cursor);
          if (page.length < PAGE_SIZE) break;
          after = page[page.length - 1]!.messageId;
          await nextTick();
        }
      }

      let waitedForOrder = false;
      while (!signal.aborted) {
        if (live.overflowed) {
          live.overflowed = false;
          readLog = true;
        }
        const run = live.takeAfter(cursor);
        if (run.length > 0) {
          const messages = await reliably(() => this.messagesOf(run));
          yield* this.render(userId, run, messages, redeliveries, ownEchoes);
          cursor = run[run.length - 1]!.seq;
          waitedForOrder = false;
          continue;
        }
        if (live.size > 0 && !readLog && !waitedForOrder) {
          // The events of one commit are published in turn: let the rest of them arrive.
          waitedForOrder = true;
          await nextTick();
          continue;
        }
        if (readLog || live.size > 0) {
          readLog = false;
          waitedForOrder = false;
          const rows = await reliably(() => this.store.events.after(userId, cursor, PAGE_SIZE));
          if (rows.length > 0) {
            const messages = await reliably(() => this.messagesOf(rows));
            yield* this.render(userId, rows, messages, redeliveries, ownEchoes);
            cursor = rows[rows.length - 1]!.seq;
            if (rows.length === PAGE_SIZE) readLog = true;
            await nextTick();
            continue;
          }
        }
        for (const seq of ownEchoes) if (seq <= cursor) ownEchoes.delete(seq);
        if (redeliveries.size > 0) {
          yield* this.redeliver(userId, redeliveries, reliably, cursor, connection);
        }
        let nextDue = Infinity;
        for (const entry of redeliveries.values()) nextDue = Math.min(nextDue, entry.dueAt);
        await waker.wait(
          Number.isFinite(nextDue) ? Math.max(0, nextDue - Date.now()) : IDLE_WAIT_MS,
          signal,
        );
      }
    } finally {
      unsubscribe();
      waker.dispose();
    }
  }

  /** The messages the events are about: those the live feed brought, the rest from the store. */
  private async messagesOf(
    rows: Array<EventRecord & { message?: MessageRecord | null }>,
  ): Promise<Map<string, MessageRecord>> {
    const known = new Map<string, MessageRecord>();
    const missing = new Set<string>();
    for (const row of rows) {
      if (row.messageId === null) continue;
      if (row.message) known.set(row.messageId, row.message);
      else missing.add(row.messageId);
    }
    for (const id of known.keys()) missing.delete(id);
    if (missing.size > 0) {
      for (const message of await this.store.messages.byIds([...missing])) {
        known.set(message.id, message);
      }
    }
    return known;
  }

  private async *render(
    userId: string,
    rows: EventRecord[],
    messages: Map<string, MessageRecord>,
    redeliveries: Map<string, Redelivery>,
    /** Events not to send: the connection's own messages (see the class comment). */
    ownEchoes: Set<number>,
    /** Rows at or before the cursor go out under the cursor's id (see the class comment). */
    cursor?: number,
  ): AsyncGenerator<TrackedChatEvent> {
    if (rows.length === 0) return;
    const pushedPending: string[] = [];
    const now = Date.now();

    for (const row of rows) {
      if (ownEchoes.delete(row.seq)) continue;
      const message = row.messageId === null ? undefined : messages.get(row.messageId);
      const event = await this.toChatEvent(userId, row, message);
      if (!event) continue;
      if (message && row.type === 'message' && message.recipientId === userId) {
        if (message.status === 'pending') pushedPending.push(message.id);
        if (message.status === 'pending' || message.status === 'sent') {
          redeliveries.set(message.id, {
            attempts: 0,
            dueAt: now + this.config.redeliveryInitialMs,
          });
        }
      }
      yield { id: String(cursor ?? row.seq), event };
    }
    this.sentMarks.add(userId, pushedPending);
  }

  private async toChatEvent(
    userId: string,
    row: EventRecord,
    message: MessageRecord | undefined,
  ): Promise<ChatEvent | null> {
    switch (row.type) {
      case 'message':
        return message ? { type: 'message', message: toMessage(message) } : null;
      case 'status': {
        if (!message || row.payload === null) return null;
        const change = JSON.parse(row.payload) as {
          status: 'sent' | 'delivered' | 'failed';
          at: number;
        };
        return {
          type: 'status',
          conversationId: message.conversationId,
          messageId: message.id,
          clientId: message.clientId,
          status: change.status,
          at: change.at,
        };
      }
      case 'conversation': {
        if (row.conversationId === null) return null;
        const conversation = await this.conversations
          .get(userId, row.conversationId)
          .catch(() => null);
        return conversation ? { type: 'conversation', conversation } : null;
      }
      case 'peer-deleted':
        return row.conversationId === null
          ? null
          : { type: 'peer-deleted', conversationId: row.conversationId };
      // Rendered from the message as it is now: a replay of an edit that was later deleted
      // carries the tombstone, never the text.
      case 'message-updated':
        return message ? { type: 'message-updated', message: toMessage(message) } : null;
      case 'read': {
        if (row.conversationId === null || row.payload === null) return null;
        const receipt = JSON.parse(row.payload) as { upToMessageId: string; at: number };
        return {
          type: 'read',
          conversationId: row.conversationId,
          upToMessageId: receipt.upToMessageId,
          at: receipt.at,
        };
      }
    }
  }

  /** Pushes unacknowledged messages again, with exponential backoff, for as long as the stream lives. */
  private async *redeliver(
    userId: string,
    redeliveries: Map<string, Redelivery>,
    reliably: Reliably,
    cursor: number,
    connection: StreamConnection | null,
  ): AsyncGenerator<TrackedChatEvent> {
    const now = Date.now();
    const due = [...redeliveries].filter(([, entry]) => entry.dueAt <= now);
    if (due.length === 0) return;
    if (
      this.load.isSaturated() ||
      (connection !== null && connection.bufferedBytes() > REDELIVERY_MAX_BUFFERED_BYTES)
    ) {
      const later = now + this.config.redeliveryInitialMs;
      for (const [, entry] of due) entry.dueAt = later;
      return;
    }
    const current = new Map(
      (await reliably(() => this.store.messages.byIds(due.map(([id]) => id)))).map((m) => [
        m.id,
        m,
      ]),
    );
    for (const [messageId, entry] of due) {
      const message = current.get(messageId);
      if (!message || (message.status !== 'pending' && message.status !== 'sent')) {
        redeliveries.delete(messageId);
        continue;
      }
      entry.attempts += 1;
      entry.dueAt =
        now +
        Math.min(
          this.config.redeliveryInitialMs * 2 ** entry.attempts,
          this.config.redeliveryMaxMs,
        );
      this.log.info(
        {
          event: 'delivery',
          transition: 'retry',
          messageId,
          conversationId: message.conversationId,
          retries: entry.attempts,
        },
        'message pushed again',
      );
      yield { id: String(cursor), event: { type: 'message', message: toMessage(message) } };
    }
  }
}
