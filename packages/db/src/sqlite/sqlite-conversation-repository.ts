import { and, eq, sql } from 'drizzle-orm';
import type { AppendedEvent, ConversationRecord } from '../records.js';
import {
  conversationQuery,
  toConversationRecord,
  type ConversationRow,
} from '../conversation-query.js';
import type { ConversationRepository } from '../store.js';
import type { EventAppender } from './append-events.js';
import { attachmentRefSql, replyRefSql } from './message-columns.js';
import { conversations, messages, readMarkers } from './schema.js';
import type { SqliteDatabase } from './sqlite-database.js';

export class SqliteConversationRepository implements ConversationRepository {
  private readonly selectParticipants;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly appender: EventAppender,
  ) {
    this.selectParticipants = db
      .select({ low: conversations.userLow, high: conversations.userHigh })
      .from(conversations)
      .where(eq(conversations.id, sql.placeholder('id')))
      .prepare();
  }

  async open(
    conversation: { id: string; userA: string; userB: string; createdAt: number },
    notify: string,
  ): Promise<{ conversationId: string; created: boolean; appended: AppendedEvent[] }> {
    const [userLow, userHigh] = [conversation.userA, conversation.userB].sort() as [string, string];
    return Promise.resolve(
      this.db.transaction((tx) => {
        const inserted = tx
          .insert(conversations)
          .values({
            id: conversation.id,
            userLow,
            userHigh,
            createdAt: conversation.createdAt,
            lastActivityAt: conversation.createdAt,
          })
          .onConflictDoNothing()
          .run();
        const row = tx
          .select({ id: conversations.id })
          .from(conversations)
          .where(and(eq(conversations.userLow, userLow), eq(conversations.userHigh, userHigh)))
          .get();
        if (!row) throw new Error('conversation vanished after insert');
        const created = inserted.changes === 1;
        const appended = created
          ? this.appender.append(
              [{ userId: notify, type: 'conversation', conversationId: row.id }],
              conversation.createdAt,
            )
          : [];
        return { conversationId: row.id, created, appended };
      }),
    );
  }

  async listFor(userId: string): Promise<ConversationRecord[]> {
    const rows = this.db.all<ConversationRow>(
      conversationQuery(userId, null, replyRefSql, attachmentRefSql),
    );
    return Promise.resolve(rows.map(toConversationRecord));
  }

  async getFor(userId: string, conversationId: string): Promise<ConversationRecord | null> {
    const row = this.db.get<ConversationRow | undefined>(
      conversationQuery(userId, conversationId, replyRefSql, attachmentRefSql),
    );
    return Promise.resolve(row ? toConversationRecord(row) : null);
  }

  async participants(conversationId: string): Promise<[string, string] | null> {
    const row = this.selectParticipants.get({ id: conversationId });
    return Promise.resolve(row ? [row.low, row.high] : null);
  }

  async markRead(userId: string, conversationId: string, upToMessageId: string): Promise<number> {
    const upTo = Number(upToMessageId);
    return Promise.resolve(
      this.db.transaction((tx) => {
        if (Number.isSafeInteger(upTo) && upTo > 0) {
          tx.insert(readMarkers)
            .values({ conversationId, userId, lastReadMessageId: upTo })
            .onConflictDoUpdate({
              target: [readMarkers.conversationId, readMarkers.userId],
              // Read markers only move forward: an older markRead arriving late changes nothing.
              set: {
                lastReadMessageId: sql`max(${readMarkers.lastReadMessageId}, excluded.last_read_message_id)`,
              },
            })
            .run();
        }
        const marker = tx
          .select({ upTo: readMarkers.lastReadMessageId })
          .from(readMarkers)
          .where(
            and(eq(readMarkers.conversationId, conversationId), eq(readMarkers.userId, userId)),
          )
          .get();
        const unread = tx
          .select({ count: sql<number>`count(*)` })
          .from(messages)
          .where(
            and(
              eq(messages.conversationId, conversationId),
              eq(messages.recipientId, userId),
              sql`${messages.id} > ${marker?.upTo ?? 0}`,
            ),
          )
          .get();
        return unread?.count ?? 0;
      }),
    );
  }
}
