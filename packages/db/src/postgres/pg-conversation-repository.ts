import { and, eq, sql } from 'drizzle-orm';
import {
  conversationQuery,
  toConversationRecord,
  type ConversationRow,
} from '../conversation-query.js';
import type { AppendedEvent, ConversationRecord } from '../records.js';
import type { ConversationRepository } from '../store.js';
import { appendEvents } from './pg-event-appender.js';
import { attachmentRefSql, replyRefSql } from './pg-message-columns.js';
import type { PgPool } from './pg-pool.js';
import type { ReadRouter } from './read-router.js';
import { conversations, messages, readMarkers } from './schema.js';

export class PgConversationRepository implements ConversationRepository {
  constructor(
    private readonly pool: PgPool,
    private readonly reads: ReadRouter,
  ) {}

  async open(
    conversation: { id: string; userA: string; userB: string; createdAt: number },
    notify: string,
  ): Promise<{ conversationId: string; created: boolean; appended: AppendedEvent[] }> {
    const [userLow, userHigh] = [conversation.userA, conversation.userB].sort() as [string, string];
    return this.pool.transaction(async (tx) => {
      // The loser of a race waits on the unique index for the winner's commit, then finds its row.
      const inserted = await tx
        .insert(conversations)
        .values({
          id: conversation.id,
          userLow,
          userHigh,
          createdAt: conversation.createdAt,
          lastActivityAt: conversation.createdAt,
        })
        .onConflictDoNothing()
        .returning({ id: conversations.id });
      if (inserted[0]) {
        const appended = await appendEvents(
          tx,
          [{ userId: notify, type: 'conversation', conversationId: inserted[0].id }],
          conversation.createdAt,
        );
        return { conversationId: inserted[0].id, created: true, appended };
      }
      const [row] = await tx
        .select({ id: conversations.id })
        .from(conversations)
        .where(and(eq(conversations.userLow, userLow), eq(conversations.userHigh, userHigh)));
      if (!row) throw new Error('conversation vanished after insert');
      return { conversationId: row.id, created: false, appended: [] };
    });
  }

  async listFor(userId: string): Promise<ConversationRecord[]> {
    const rows = await this.reads.run((db) =>
      db.execute<ConversationRow>(conversationQuery(userId, null, replyRefSql, attachmentRefSql)),
    );
    return rows.map(toConversationRecord);
  }

  async getFor(userId: string, conversationId: string): Promise<ConversationRecord | null> {
    const rows = await this.pool.run((db) =>
      db.execute<ConversationRow>(
        conversationQuery(userId, conversationId, replyRefSql, attachmentRefSql),
      ),
    );
    return rows[0] ? toConversationRecord(rows[0]) : null;
  }

  async participants(conversationId: string): Promise<[string, string] | null> {
    // On every send: a prepared statement.
    const [row] = await this.pool.statement(
      (sql) => sql<Array<{ low: string; high: string }>>`
        SELECT user_low AS low, user_high AS high FROM conversations WHERE id = ${conversationId}`,
    );
    return row ? [row.low, row.high] : null;
  }

  async markRead(userId: string, conversationId: string, upToMessageId: string): Promise<number> {
    const upTo = Number(upToMessageId);
    return this.pool.transaction(async (tx) => {
      let marker: number;
      if (Number.isSafeInteger(upTo) && upTo > 0) {
        const [row] = await tx
          .insert(readMarkers)
          .values({ conversationId, userId, lastReadMessageId: upTo })
          .onConflictDoUpdate({
            target: [readMarkers.conversationId, readMarkers.userId],
            // Read markers only move forward: an older markRead arriving late changes nothing.
            set: {
              lastReadMessageId: sql`GREATEST(${readMarkers.lastReadMessageId}, excluded.last_read_message_id)`,
            },
          })
          .returning({ upTo: readMarkers.lastReadMessageId });
        marker = row?.upTo ?? 0;
      } else {
        const [row] = await tx
          .select({ upTo: readMarkers.lastReadMessageId })
          .from(readMarkers)
          .where(
            and(eq(readMarkers.conversationId, conversationId), eq(readMarkers.userId, userId)),
          );
        marker = row?.upTo ?? 0;
      }
      const [unread] = await tx
        .select({ count: sql<number>`count(*)`.mapWith(Number) })
        .from(messages)
        .where(
          and(
            eq(messages.conversationId, conversationId),
            eq(messages.recipientId, userId),
            sql`${messages.id} > ${marker}`,
          ),
        );
      return unread?.count ?? 0;
    });
  }
}
