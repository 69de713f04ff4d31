import type { MessageStatus } from '@parley/protocol';
import { sql, type SQL } from 'drizzle-orm';
import type { ConversationRecord } from './records.js';
import { parseAttachmentRef } from './attachment-ref.js';
import { parseReplyRef } from './reply-ref.js';

/** A row of conversationQuery (SQLite reads booleans as 0/1). */
export type ConversationRow = {
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
  m_anonymized: boolean | number | null;
  m_body: string | null;
  m_created_at: number | null;
  m_status: MessageStatus | null;
  m_delivered_at: number | null;
  m_edited_at: number | null;
  m_deleted_at: number | null;
  m_reply_to: string | null;
  m_attachment: string | null;
  unread: number;
};

/**
 * One statement for the whole list, in SQL that SQLite and PostgreSQL read alike: peer, last message and unread count per conversation.
 * `replyRef` and `attachmentRef` build the last message's reply reference and file from an id
 * (each dialect its own JSON).
 */
export const conversationQuery = (
  userId: string,
  onlyConversation: string | null,
  replyRef: (replyToId: SQL) => SQL,
  attachmentRef: (messageId: SQL) => SQL,
) => sql`
  SELECT c.id, c.created_at, c.last_activity_at,
    p.id AS peer_id, p.username AS peer_username, p.deleted_at AS peer_deleted_at,
    p.last_seen_at AS peer_last_seen_at,
    m.id AS m_id, m.client_id AS m_client_id, m.sender_id AS m_sender_id,
    m.recipient_id AS m_recipient_id,
    CASE WHEN s.deleted_at IS NULL THEN s.username END AS m_sender_name,
    (m.is_anonymized OR s.deleted_at IS NOT NULL) AS m_anonymized,
    m.body AS m_body, m.created_at AS m_created_at, m.status AS m_status,
    m.delivered_at AS m_delivered_at, m.edited_at AS m_edited_at, m.deleted_at AS m_deleted_at,
    ${replyRef(sql`m.reply_to_id`)} AS m_reply_to,
    ${attachmentRef(sql`m.id`)} AS m_attachment,
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

export const toConversationRecord = (row: ConversationRow): ConversationRecord => ({
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
          senderId: row.m_anonymized ? null : row.m_sender_id,
          recipientId: row.m_recipient_id ?? '',
          senderName: row.m_anonymized ? null : row.m_sender_name,
          anonymized: Boolean(row.m_anonymized),
          body: row.m_body ?? '',
          createdAt: row.m_created_at ?? 0,
          status: row.m_status ?? 'pending',
          deliveredAt: row.m_delivered_at,
          editedAt: row.m_edited_at,
          deletedAt: row.m_deleted_at,
          replyTo: parseReplyRef(row.m_reply_to),
          attachment: parseAttachmentRef(row.m_attachment),
        },
});
