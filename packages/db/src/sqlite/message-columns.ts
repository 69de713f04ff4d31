import { eq, sql, type SQL } from 'drizzle-orm';
import type { MessageRecord } from '../records.js';
import { parseAttachmentRef } from '../attachment-ref.js';
import { parseReplyRef } from '../reply-ref.js';
import { messages, users } from './schema.js';
import type { SqliteDatabase } from './sqlite-database.js';

/**
 * The original of a reply as one JSON text (see parseReplyRef), read now: its current body, so
 * the excerpt follows edits and deletes. A primary-key lookup, only for replies.
 */
export const replyRefSql = (replyToId: SQL) => sql`(
  SELECT json_object('id', rm.id, 'body', rm.body, 'deletedAt', rm.deleted_at,
                     'senderName', CASE WHEN ru.deleted_at IS NULL AND NOT rm.is_anonymized
                                        THEN ru.username END)
  FROM messages rm LEFT JOIN users ru ON ru.id = rm.sender_id
  WHERE rm.id = ${replyToId})`;

/** The file sent with a message as one JSON text (see parseAttachmentRef); an index lookup. */
export const attachmentRefSql = (messageId: SQL) => sql`(
  SELECT json_object('fileId', f.id, 'name', f.name, 'size', f.size, 'contentType', f.content_type)
  FROM files f WHERE f.message_id = ${messageId})`;

/** The select list that, joined with the sender's user row, yields a MessageRecord. */
export const messageColumns = {
  id: messages.id,
  conversationId: messages.conversationId,
  clientId: messages.clientId,
  senderId: messages.senderId,
  recipientId: messages.recipientId,
  // A deleted sender reads as anonymized at once, even while their messages are being anonymized
  // in storage batch by batch.
  senderName: sql<
    string | null
  >`CASE WHEN ${users.deletedAt} IS NULL THEN ${users.username} END`.as('sender_name'),
  anonymized: sql<boolean>`(${messages.isAnonymized} OR ${users.deletedAt} IS NOT NULL)`
    .mapWith((value: number) => value === 1)
    .as('anonymized'),
  body: messages.body,
  createdAt: messages.createdAt,
  status: messages.status,
  deliveredAt: messages.deliveredAt,
  editedAt: messages.editedAt,
  deletedAt: messages.deletedAt,
  replyTo: sql<string | null>`${replyRefSql(sql`${messages.replyToId}`)}`.as('reply_to'),
  attachment: sql<string | null>`${attachmentRefSql(sql`${messages.id}`)}`.as('attachment'),
};

export type MessageRow = Omit<MessageRecord, 'id' | 'replyTo' | 'attachment'> & {
  id: number;
  replyTo: string | null;
  attachment: string | null;
};

export const toMessageRecord = (row: MessageRow): MessageRecord => ({
  ...row,
  id: String(row.id),
  senderId: row.anonymized ? null : row.senderId,
  senderName: row.anonymized ? null : row.senderName,
  replyTo: parseReplyRef(row.replyTo),
  attachment: parseAttachmentRef(row.attachment),
});

/**
 * A list of ids as one bound parameter (a JSON array read with json_each), so statements that take
 * any number of ids can be prepared once.
 */
export const idList = (ids: Array<string | number>): string => JSON.stringify(ids.map(Number));
export const inIdList = (placeholder: string) =>
  sql`${messages.id} IN (SELECT value FROM json_each(${sql.placeholder(placeholder)}))`;

/** Messages by ids (a JSON list), oldest first, prepared. */
export const prepareMessagesByIds = (db: SqliteDatabase) =>
  db
    .select(messageColumns)
    .from(messages)
    .leftJoin(users, eq(users.id, messages.senderId))
    .where(inIdList('ids'))
    .orderBy(messages.id)
    .prepare();
