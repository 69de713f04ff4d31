import type { MessageStatus } from '@parley/protocol';
import { and, eq, sql } from 'drizzle-orm';
import type { AppendedEvent, ConversationRecord } from '../records.js';
import type { ConversationRepository } from '../store.js';
import type { EventAppender } from './append-events.js';
import { conversations, messages, readMarkers } from './schema.js';
import type { SqliteDatabase } from './sqlite-database.js';

type ConversationRow = {
  id: string;
  created_at: number;
  last_activity_at: number;
  peer_id: string;
  peer_username: string;
  peer_deleted_at: number | null;
  peer_last_seen_at: number | null;
  m_id: number | null;
  m_client_id: string | null;
  m_sender_id: string | null;
  m_recipient_id: string | null;
  m_sender_name: string | null;
  m_anonymized: number | null;
  m_body: string | null;
  m_created_at: number | null;
  m_status: MessageStatus | null;
  m_delivered_at: number | null;
  unread: number;
};

/** One statement for the whole list: peer, last message and unread count per conversation. */
const conversationQuery = (userId: string, onlyConversation: string | null) => sql`
  SELECT c.id, c.created_at, c.last_activity_at,
    p.id AS peer_id, p.username AS peer_username, p.deleted_at AS peer_deleted_at,
    p.last_seen_at AS peer_last_seen_at,
    m.id AS m_id, m.client_id AS m_client_id, m.sender_id AS m_sender_id,
    m.recipient_id AS m_recipient_id,
    CASE WHEN s.deleted_at IS NULL THEN s.username END AS m_sender_name,
    (m.is_anonymized OR s.deleted_at IS NOT NULL) AS m_anonymized,
    m.body AS m_body, m.created_at AS m_created_at, m.status AS m_status,
    m.delivered_at AS m_delivered_at,
    (SELECT count(*) FROM messages u
      WHERE u.conversation_id = c.id AND u.recipient_id = ${userId}
        AND u.id > coalesce((SELECT r.last_read_message_id FROM read_markers r
                             WHERE r.conversation_id = c.id AND r.user_id = ${userId}), 0)
    ) AS unread
  FROM conversations c
  JOIN users p ON p.id = CASE WHEN c.user_low = ${userId} THEN c.user_high ELSE c.user_low END
  LEFT JOIN messages m ON m.id = c.last_message_id
  LEFT JOIN users s ON s.id = m.sender_id
  WHERE (c.user_low = ${userId} OR c.user_high = ${userId})
    ${onlyConversation === null ? sql`` : sql`AND c.id = ${onlyConversation}`}
  ORDER BY c.last_activity_at DESC, c.id`;

const toConversationRecord = (row: ConversationRow): ConversationRecord => ({
  id: row.id,
  createdAt: row.created_at,
  lastActivityAt: row.last_activity_at,
  unreadCount: row.unread,
  peer: {
    id: row.peer_id,
    username: row.peer_username,
    deleted: row.peer_deleted_at !== null,
    lastSeenAt: row.peer_last_seen_at,
  },
  lastMessage:
    row.m_id === null
      ? null
      : {
          id: String(row.m_id),
          conversationId: row.id,
          clientId: row.m_client_id ?? '',
          senderId: row.m_anonymized === 1 ? null : row.m_sender_id,
          recipientId: row.m_recipient_id ?? '',
          senderName: row.m_anonymized === 1 ? null : row.m_sender_name,
          anonymized: row.m_anonymized === 1,
          body: row.m_body ?? '',
          createdAt: row.m_created_at ?? 0,
          status: row.m_status ?? 'pending',
          deliveredAt: row.m_delivered_at,
        },
});

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
    const rows = this.db.all<ConversationRow>(conversationQuery(userId, null));
    return Promise.resolve(rows.map(toConversationRecord));
  }

  async getFor(userId: string, conversationId: string): Promise<ConversationRecord | null> {
    const row = this.db.get<ConversationRow | undefined>(conversationQuery(userId, conversationId));
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
