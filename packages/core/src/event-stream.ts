import type { EventRecord, MessageRecord, Store } from '@parley/db';
import type { ChatEvent } from '@parley/protocol';
import type { ConversationService } from './conversation-service.js';
import type { CoreConfig } from './core-config.js';
import { eventTopic, wakeUp } from './event-wakeups.js';
import type { Logger } from './logger.js';
import { toMessage } from './to-message.js';
import { Waker } from './waker.js';

export type TrackedChatEvent = { id: string; event: ChatEvent };

const PAGE_SIZE = 500;
const IDLE_WAIT_MS = 30_000;

type Redelivery = { seq: number; attempts: number; dueAt: number };

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * `messages.events`: replay the user's durable log after the cursor, then tail it. The wake-up
 * listener is registered before the first read, so an event appended during the replay is read by
 * the next query: no gap, and the cursor only moves forward: no duplicate.
 */
export class EventStream {
  constructor(
    private readonly store: Store,
    private readonly conversations: ConversationService,
    private readonly config: CoreConfig,
    private readonly log: Logger,
  ) {}

  async *stream(
    userId: string,
    lastEventId: string | null,
    signal: AbortSignal,
  ): AsyncGenerator<TrackedChatEvent> {
    const waker = new Waker();
    const unsubscribe = this.store.notifier.subscribe(eventTopic(userId), () => waker.notify());
    const redeliveries = new Map<string, Redelivery>();
    try {
      let cursor: number;
      if (lastEventId !== null) {
        cursor = Number(lastEventId);
      } else {
        // A fresh device: every message still undelivered to the user, then everything new.
        cursor = await this.store.events.head(userId);
        let after = 0;
        for (;;) {
          const rows = (await this.store.events.undelivered(userId, after, PAGE_SIZE)).filter(
            (row) => row.seq <= cursor,
          );
          yield* this.render(userId, rows, redeliveries);
          if (rows.length < PAGE_SIZE) break;
          after = rows[rows.length - 1]!.seq;
          await nextTick();
        }
      }

      while (!signal.aborted) {
        const rows = await this.store.events.after(userId, cursor, PAGE_SIZE);
        if (rows.length > 0) {
          yield* this.render(userId, rows, redeliveries);
          cursor = rows[rows.length - 1]!.seq;
          await nextTick();
          if (rows.length === PAGE_SIZE) continue;
        }
        yield* this.redeliver(userId, redeliveries);
        const nextDue = Math.min(...[...redeliveries.values()].map((entry) => entry.dueAt));
        await waker.wait(
          Number.isFinite(nextDue) ? Math.max(0, nextDue - Date.now()) : IDLE_WAIT_MS,
          signal,
        );
      }
    } finally {
      unsubscribe();
    }
  }

  private async *render(
    userId: string,
    rows: EventRecord[],
    redeliveries: Map<string, Redelivery>,
  ): AsyncGenerator<TrackedChatEvent> {
    if (rows.length === 0) return;
    const messageIds = [
      ...new Set(rows.flatMap((row) => (row.messageId === null ? [] : [row.messageId]))),
    ];
    const messages = new Map((await this.store.messages.byIds(messageIds)).map((m) => [m.id, m]));
    const pushedPending: string[] = [];
    const now = Date.now();

    for (const row of rows) {
      const message = row.messageId === null ? undefined : messages.get(row.messageId);
      const event = await this.toChatEvent(userId, row, message);
      if (!event) continue;
      if (message && row.type === 'message' && message.recipientId === userId) {
        if (message.status === 'pending') pushedPending.push(message.id);
        if (message.status === 'pending' || message.status === 'sent') {
          redeliveries.set(message.id, {
            seq: row.seq,
            attempts: 0,
            dueAt: now + this.config.redeliveryInitialMs,
          });
        }
      }
      yield { id: String(row.seq), event };
    }
    await this.markSent(userId, pushedPending);
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
    }
  }

  /** Pushes unacknowledged messages again, with exponential backoff, for as long as the stream lives. */
  private async *redeliver(
    userId: string,
    redeliveries: Map<string, Redelivery>,
  ): AsyncGenerator<TrackedChatEvent> {
    const now = Date.now();
    const due = [...redeliveries].filter(([, entry]) => entry.dueAt <= now);
    if (due.length === 0) return;
    const current = new Map(
      (await this.store.messages.byIds(due.map(([id]) => id))).map((m) => [m.id, m]),
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
      yield { id: String(entry.seq), event: { type: 'message', message: toMessage(message) } };
    }
  }

  private async markSent(userId: string, messageIds: string[]): Promise<void> {
    if (messageIds.length === 0) return;
    const changes = await this.store.messages.markSent(userId, messageIds, Date.now());
    for (const change of changes) {
      this.log.info(
        {
          event: 'delivery',
          transition: 'sent',
          messageId: change.message.id,
          conversationId: change.message.conversationId,
          retries: 0,
        },
        'message pushed to the recipient',
      );
      wakeUp(this.store.notifier, change.appended);
    }
  }
}
