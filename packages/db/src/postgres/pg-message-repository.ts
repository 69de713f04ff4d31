import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { MessageRecord } from '../records.js';
import { parseSnippet, snippetMarkers } from '../search-snippet.js';
import { statusEvent } from '../status-event.js';
import type {
  MessageRepository,
  MessageSearchHit,
  MessageSearchQuery,
  SendResult,
  StatusChange,
} from '../store.js';
import { appendEventGroups, appendEvents } from './pg-event-appender.js';
import {
  messageColumns,
  messagesByIds,
  numericIds,
  toMessageRecord,
} from './pg-message-columns.js';
import type { PgExecutor, PgPool } from './pg-pool.js';
import type { ReadRouter } from './read-router.js';
import { conversations, messages, users } from './schema.js';
import { bodyTsQuery, ownerTsQuery } from './ts-query.js';

const headlineOptions = [
  `StartSel=${snippetMarkers.start}`,
  `StopSel=${snippetMarkers.end}`,
  'MaxWords=16',
  'MinWords=8',
].join(', ');

export class PgMessageRepository implements MessageRepository {
  constructor(
    private readonly pool: PgPool,
    private readonly reads: ReadRouter,
  ) {}

  async send(input: {
    conversationId: string;
    clientId: string;
    senderId: string;
    senderName: string;
    recipientId: string;
    body: string;
    createdAt: number;
    status: 'pending' | 'sent';
  }): Promise<SendResult> {
    const { senderName, ...row } = input;
    return this.pool.transaction(async (tx): Promise<SendResult> => {
      // A concurrent duplicate waits on the unique index until the first commits, then does nothing.
      const [inserted] = await tx
        .insert(messages)
        .values(row)
        .onConflictDoNothing({ target: [messages.conversationId, messages.clientId] })
        .returning({ id: messages.id });
      if (!inserted) {
        // The clientId was used before in this conversation: answer with the stored message.
        const [stored] = await tx
          .select(messageColumns)
          .from(messages)
          .leftJoin(users, eq(users.id, messages.senderId))
          .where(
            and(
              eq(messages.conversationId, input.conversationId),
              eq(messages.clientId, input.clientId),
            ),
          );
        if (!stored) throw new Error('message with a conflicting clientId not found');
        return { message: toMessageRecord(stored), created: false, appended: [] };
      }
      const message: MessageRecord = {
        ...row,
        id: String(inserted.id),
        senderName,
        anonymized: false,
        deliveredAt: null,
      };
      // GREATEST: concurrent sends may reach this row in another order than their ids.
      await tx
        .update(conversations)
        .set({
          lastMessageId: sql`GREATEST(coalesce(${conversations.lastMessageId}, 0), ${inserted.id}::int8)`,
          lastActivityAt: sql`GREATEST(${conversations.lastActivityAt}, ${input.createdAt}::int8)`,
        })
        .where(eq(conversations.id, input.conversationId));
      const about = { messageId: message.id, conversationId: input.conversationId, message };
      const appended = await appendEvents(
        tx,
        [
          { userId: input.recipientId, type: 'message', ...about },
          // The sender's other sessions learn of it too.
          { userId: input.senderId, type: 'message', ...about },
          ...(input.status === 'sent' ? statusEvent(message, 'sent', input.createdAt) : []),
        ],
        input.createdAt,
      );
      return { message, created: true, appended };
    });
  }

  async history(
    conversationId: string,
    before: string | null,
    limit: number,
  ): Promise<MessageRecord[]> {
    const beforeId = before === null ? null : Number(before);
    const rows = await this.reads.run((db) =>
      db
        .select(messageColumns)
        .from(messages)
        .leftJoin(users, eq(users.id, messages.senderId))
        .where(
          and(
            eq(messages.conversationId, conversationId),
            beforeId !== null && Number.isSafeInteger(beforeId)
              ? lt(messages.id, beforeId)
              : undefined,
          ),
        )
        .orderBy(desc(messages.id))
        .limit(limit),
    );
    return rows.reverse().map(toMessageRecord);
  }

  async byIds(ids: string[]): Promise<MessageRecord[]> {
    return this.pool.run((db) => messagesByIds(db, numericIds(ids)));
  }

  async markSent(recipientId: string, ids: string[], at: number): Promise<StatusChange[]> {
    const wanted = numericIds(ids);
    if (wanted.length === 0) return [];
    return this.pool.transaction(async (tx) => {
      const changed = await tx
        .update(messages)
        .set({ status: 'sent' })
        .where(
          and(
            eq(messages.recipientId, recipientId),
            eq(messages.status, 'pending'),
            sql`${messages.id} = ANY(${sql.param(wanted)}::int8[])`,
          ),
        )
        .returning({ id: messages.id });
      return this.statusChanges(tx, changed, 'sent', at);
    });
  }

  async markDelivered(
    recipientId: string,
    ids: string[],
    at: number,
  ): Promise<{ changed: StatusChange[]; delivered: string[] }> {
    const wanted = numericIds(ids);
    if (wanted.length === 0) return { changed: [], delivered: [] };
    return this.pool.transaction(async (tx) => {
      const changedIds = await tx
        .update(messages)
        .set({ status: 'delivered', deliveredAt: at })
        .where(
          and(
            eq(messages.recipientId, recipientId),
            sql`${messages.status} IN ('pending', 'sent')`,
            sql`${messages.id} = ANY(${sql.param(wanted)}::int8[])`,
          ),
        )
        .returning({ id: messages.id });
      const changed = await this.statusChanges(tx, changedIds, 'delivered', at);
      const delivered = await tx
        .select({ id: messages.id })
        .from(messages)
        .where(
          and(
            eq(messages.recipientId, recipientId),
            eq(messages.status, 'delivered'),
            sql`${messages.id} = ANY(${sql.param(wanted)}::int8[])`,
          ),
        )
        .orderBy(messages.id);
      return { changed, delivered: delivered.map((row) => String(row.id)) };
    });
  }

  async search(query: MessageSearchQuery): Promise<MessageSearchHit[]> {
    const body = bodyTsQuery(query.words);
    if (body === null) return [];
    const before = query.before === null ? null : Number(query.before);
    return this.reads.run(async (db) => {
      const rows = await db.execute<{ id: number; marked: string }>(sql`
        WITH q AS (SELECT to_tsquery('parley_search', ${body}) AS body),
        hits AS (
          SELECT m.id, m.body FROM messages m, q
          -- The owner's lexeme and the words in one index lookup: a word frequent elsewhere but
          -- rare in the caller's conversations costs what the caller's matches cost.
          WHERE m.search @@ (${ownerTsQuery(query.ownerId)}::tsquery && q.body)
            AND numnode(q.body) > 0
            ${before !== null && Number.isSafeInteger(before) ? sql`AND m.id < ${before}` : sql``}
            ${query.conversationId === null ? sql`` : sql`AND m.conversation_id = ${query.conversationId}`}
          ORDER BY m.id DESC
          LIMIT ${query.limit}
        )
        SELECT hits.id, ts_headline('parley_search', hits.body, q.body, ${headlineOptions}) AS marked
        FROM hits, q
        ORDER BY hits.id DESC`);
      const messagesById = new Map(
        (
          await messagesByIds(
            db,
            rows.map((row) => row.id),
          )
        ).map((message) => [message.id, message]),
      );
      return rows.flatMap((row) => {
        const message = messagesById.get(String(row.id));
        return message ? [{ message, ...parseSnippet(row.marked) }] : [];
      });
    });
  }

  async undeliveredCount(): Promise<number> {
    const [row] = await this.pool.run((db) =>
      db
        .select({ count: sql<number>`count(*)`.mapWith(Number) })
        .from(messages)
        .where(sql`${messages.status} IN ('pending', 'sent')`),
    );
    return row?.count ?? 0;
  }

  private async statusChanges(
    tx: PgExecutor,
    changedIds: Array<{ id: number }>,
    status: 'sent' | 'delivered',
    at: number,
  ): Promise<StatusChange[]> {
    if (changedIds.length === 0) return [];
    const changed = await messagesByIds(
      tx,
      changedIds.map((row) => row.id),
    );
    const appended = await appendEventGroups(
      tx,
      changed.map((message) => statusEvent(message, status, at)),
      at,
    );
    return changed.map((message, index) => ({ message, appended: appended[index] ?? [] }));
  }
}
