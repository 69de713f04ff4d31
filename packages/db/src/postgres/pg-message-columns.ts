import { eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Sql } from 'postgres';
import type { MessageRecord } from '../records.js';
import { parseAttachmentRef } from '../attachment-ref.js';
import { parseReplyRef } from '../reply-ref.js';
import type { PgExecutor } from './pg-pool.js';
import { messages, users } from './schema.js';

/** The reply subquery as text, for the plain-SQL statements (see replyRefSql). */
const replyRefText = (replyToId: string) => `(
  SELECT json_build_object('id', rm.id::text, 'body', rm.body, 'deletedAt', rm.deleted_at,
                           'senderName', CASE WHEN ru.deleted_at IS NULL AND NOT rm.is_anonymized
                                              THEN ru.username END)::text
  FROM messages rm LEFT JOIN users ru ON ru.id = rm.sender_id
  WHERE rm.id = ${replyToId})`;

/**
 * The original of a reply as one JSON text (see parseReplyRef), read now: its current body, so
 * the excerpt follows edits and deletes. A primary-key lookup, only for replies.
 */
export const replyRefSql = (replyToId: SQL): SQL =>
  sql`(
  SELECT json_build_object('id', rm.id::text, 'body', rm.body, 'deletedAt', rm.deleted_at,
                           'senderName', CASE WHEN ru.deleted_at IS NULL AND NOT rm.is_anonymized
                                              THEN ru.username END)::text
  FROM messages rm LEFT JOIN users ru ON ru.id = rm.sender_id
  WHERE rm.id = ${replyToId})`;

/** The file sent with a message as one JSON text (see parseAttachmentRef); an index lookup. */
const attachmentRefText = (messageId: string) => `(
  SELECT json_build_object('fileId', f.id, 'name', f.name, 'size', f.size,
                           'contentType', f.content_type)::text
  FROM files f WHERE f.message_id = ${messageId})`;

export const attachmentRefSql = (messageId: SQL): SQL =>
  sql`(
  SELECT json_build_object('fileId', f.id, 'name', f.name, 'size', f.size,
                           'contentType', f.content_type)::text
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
  anonymized: sql<boolean>`(${messages.isAnonymized} OR ${users.deletedAt} IS NOT NULL)`.as(
    'anonymized',
  ),
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

/** Message ids as numbers, dropping what cannot be one (ids arrive as strings from clients). */
export const numericIds = (ids: Array<string | number>): number[] =>
  ids.map(Number).filter((id) => Number.isSafeInteger(id) && id > 0);

/** Messages by ids, oldest first. */
export async function messagesByIds(db: PgExecutor, ids: number[]): Promise<MessageRecord[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select(messageColumns)
    .from(messages)
    .leftJoin(users, eq(users.id, messages.senderId))
    .where(inArray(messages.id, ids))
    .orderBy(messages.id);
  return rows.map(toMessageRecord);
}

/**
 * `messageColumns` as plain SQL over `messages m LEFT JOIN users u ON u.id = m.sender_id`, for
 * statements written with postgres.js's templates (embed with `sql.unsafe`).
 */
export const messageSelectList = `
  m.id, m.conversation_id AS "conversationId", m.client_id AS "clientId",
  m.sender_id AS "senderId", m.recipient_id AS "recipientId",
  CASE WHEN u.deleted_at IS NULL THEN u.username END AS "senderName",
  (m.is_anonymized OR u.deleted_at IS NOT NULL) AS anonymized, m.body,
  m.created_at AS "createdAt", m.status, m.delivered_at AS "deliveredAt",
  m.edited_at AS "editedAt", m.deleted_at AS "deletedAt",
  ${replyRefText('m.reply_to_id')} AS "replyTo",
  ${attachmentRefText('m.id')} AS attachment`;

/** `messagesByIds` as one prepared statement (the hot path: redeliveries, rendering events). */
export async function selectMessagesByIds(sql: Sql, ids: number[]): Promise<MessageRecord[]> {
  if (ids.length === 0) return [];
  const rows = await sql<MessageRow[]>`
    SELECT ${sql.unsafe(messageSelectList)}
    FROM messages m LEFT JOIN users u ON u.id = m.sender_id
    WHERE m.id = ANY(${ids}::int8[])
    ORDER BY m.id`;
  return rows.map(toMessageRecord);
}
