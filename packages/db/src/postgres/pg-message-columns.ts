import { eq, inArray, sql } from 'drizzle-orm';
import type { Sql } from 'postgres';
import type { MessageRecord } from '../records.js';
import type { PgExecutor } from './pg-pool.js';
import { messages, users } from './schema.js';

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
};

export type MessageRow = Omit<MessageRecord, 'id'> & { id: number };

export const toMessageRecord = (row: MessageRow): MessageRecord => ({
  ...row,
  id: String(row.id),
  senderId: row.anonymized ? null : row.senderId,
  senderName: row.anonymized ? null : row.senderName,
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
  m.created_at AS "createdAt", m.status, m.delivered_at AS "deliveredAt"`;

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
