import { and, asc, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { MessageRecord } from '../records.js';
import type {
  MessageRepository,
  MessageSearchHit,
  MessageSearchQuery,
  SendResult,
  StatusChange,
} from '../store.js';
import { appendEvents } from './append-events.js';
import { ftsMatchExpression, parseSnippet, snippetMarkers } from './fts-query.js';
import { statusEvent } from './status-event.js';
import { messageColumns, toMessageRecord } from './message-columns.js';
import { conversations, messages, users } from './schema.js';
import type { SqliteDatabase } from './sqlite-database.js';

export class SqliteMessageRepository implements MessageRepository {
  private readonly selectByClientId;

  constructor(private readonly db: SqliteDatabase) {
    this.selectByClientId = db
      .select(messageColumns)
      .from(messages)
      .leftJoin(users, eq(users.id, messages.senderId))
      .where(
        and(
          eq(messages.conversationId, sql.placeholder('conversationId')),
          eq(messages.clientId, sql.placeholder('clientId')),
        ),
      )
      .prepare();
  }

  async send(input: {
    conversationId: string;
    clientId: string;
    senderId: string;
    recipientId: string;
    body: string;
    createdAt: number;
    status: 'pending' | 'sent';
  }): Promise<SendResult> {
    return Promise.resolve(
      this.db.transaction((tx): SendResult => {
        const inserted = tx
          .insert(messages)
          .values(input)
          .onConflictDoNothing({ target: [messages.conversationId, messages.clientId] })
          .returning({ id: messages.id })
          .get();
        const row = this.selectByClientId.get({
          conversationId: input.conversationId,
          clientId: input.clientId,
        });
        if (!row) throw new Error('message vanished after insert');
        const message = toMessageRecord(row);
        if (!inserted) return { message, created: false, appended: [] };

        tx.update(conversations)
          .set({ lastMessageId: inserted.id, lastActivityAt: input.createdAt })
          .where(eq(conversations.id, input.conversationId))
          .run();
        const appended = appendEvents(
          tx,
          [
            {
              userId: input.recipientId,
              type: 'message',
              messageId: message.id,
              conversationId: input.conversationId,
            },
            // The sender's other sessions learn of it too.
            {
              userId: input.senderId,
              type: 'message',
              messageId: message.id,
              conversationId: input.conversationId,
            },
            ...(input.status === 'sent' ? statusEvent(message, 'sent', input.createdAt) : []),
          ],
          input.createdAt,
        );
        return { message, created: true, appended };
      }),
    );
  }

  async history(
    conversationId: string,
    before: string | null,
    limit: number,
  ): Promise<MessageRecord[]> {
    const beforeId = before === null ? null : Number(before);
    const rows = this.db
      .select(messageColumns)
      .from(messages)
      .leftJoin(users, eq(users.id, messages.senderId))
      .where(
        beforeId === null || !Number.isSafeInteger(beforeId)
          ? eq(messages.conversationId, conversationId)
          : and(eq(messages.conversationId, conversationId), lt(messages.id, beforeId)),
      )
      .orderBy(desc(messages.id))
      .limit(limit)
      .all();
    return Promise.resolve(rows.reverse().map(toMessageRecord));
  }

  async byIds(ids: string[]): Promise<MessageRecord[]> {
    if (ids.length === 0) return Promise.resolve([]);
    const rows = this.db
      .select(messageColumns)
      .from(messages)
      .leftJoin(users, eq(users.id, messages.senderId))
      .where(inArray(messages.id, ids.map(Number)))
      .orderBy(asc(messages.id))
      .all();
    return Promise.resolve(rows.map(toMessageRecord));
  }

  async markSent(recipientId: string, ids: string[], at: number): Promise<StatusChange[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return Promise.resolve(
      this.db.transaction((tx) => {
        const changedIds = tx
          .update(messages)
          .set({ status: 'sent' })
          .where(
            and(
              eq(messages.recipientId, recipientId),
              eq(messages.status, 'pending'),
              inArray(messages.id, ids.map(Number)),
            ),
          )
          .returning({ id: messages.id })
          .all();
        return this.statusChanges(tx, changedIds, 'sent', at);
      }),
    );
  }

  async markDelivered(
    recipientId: string,
    ids: string[],
    at: number,
  ): Promise<{ changed: StatusChange[]; delivered: string[] }> {
    const numericIds = ids.map(Number).filter(Number.isSafeInteger);
    if (numericIds.length === 0) return Promise.resolve({ changed: [], delivered: [] });
    return Promise.resolve(
      this.db.transaction((tx) => {
        const changedIds = tx
          .update(messages)
          .set({ status: 'delivered', deliveredAt: at })
          .where(
            and(
              eq(messages.recipientId, recipientId),
              inArray(messages.status, ['pending', 'sent']),
              inArray(messages.id, numericIds),
            ),
          )
          .returning({ id: messages.id })
          .all();
        const changed = this.statusChanges(tx, changedIds, 'delivered', at);
        const delivered = tx
          .select({ id: messages.id })
          .from(messages)
          .where(
            and(
              eq(messages.recipientId, recipientId),
              eq(messages.status, 'delivered'),
              inArray(messages.id, numericIds),
            ),
          )
          .orderBy(asc(messages.id))
          .all()
          .map((row) => String(row.id));
        return { changed, delivered };
      }),
    );
  }

  async search(query: MessageSearchQuery): Promise<MessageSearchHit[]> {
    const match = ftsMatchExpression(query.words, query.ownerId);
    if (match === null) return Promise.resolve([]);
    const before = query.before === null ? null : Number(query.before);
    const rows = this.db.all<{ id: number; marked: string }>(sql`
      SELECT f.rowid AS id,
             snippet(messages_fts, 0, ${snippetMarkers.start}, ${snippetMarkers.end}, '…', 16) AS marked
      FROM messages_fts f
      ${query.conversationId === null ? sql`` : sql`JOIN messages m ON m.id = f.rowid`}
      WHERE messages_fts MATCH ${match}
        ${before !== null && Number.isSafeInteger(before) ? sql`AND f.rowid < ${before}` : sql``}
        ${query.conversationId === null ? sql`` : sql`AND m.conversation_id = ${query.conversationId}`}
      ORDER BY f.rowid DESC
      LIMIT ${query.limit}`);
    const messagesById = new Map(
      this.db
        .select(messageColumns)
        .from(messages)
        .leftJoin(users, eq(users.id, messages.senderId))
        .where(
          inArray(
            messages.id,
            rows.map((row) => row.id),
          ),
        )
        .all()
        .map((row) => [row.id, toMessageRecord(row)]),
    );
    return Promise.resolve(
      rows.flatMap((row) => {
        const message = messagesById.get(row.id);
        return message ? [{ message, ...parseSnippet(row.marked) }] : [];
      }),
    );
  }

  async undeliveredCount(): Promise<number> {
    const row = this.db
      .select({ count: sql<number>`count(*)` })
      .from(messages)
      // A literal list, not parameters, so the planner can use the partial index of the queue.
      .where(sql`${messages.status} IN ('pending', 'sent')`)
      .get();
    return Promise.resolve(row?.count ?? 0);
  }

  private statusChanges(
    tx: SqliteDatabase,
    changedIds: Array<{ id: number }>,
    status: 'sent' | 'delivered',
    at: number,
  ): StatusChange[] {
    if (changedIds.length === 0) return [];
    const rows = tx
      .select(messageColumns)
      .from(messages)
      .leftJoin(users, eq(users.id, messages.senderId))
      .where(
        inArray(
          messages.id,
          changedIds.map((row) => row.id),
        ),
      )
      .orderBy(asc(messages.id))
      .all();
    return rows.map((row) => {
      const message = toMessageRecord(row);
      return { message, appended: appendEvents(tx, statusEvent(message, status, at), at) };
    });
  }
}
