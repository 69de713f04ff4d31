import { eq, sql } from 'drizzle-orm';
import type { MessageRecord } from '../records.js';
import { messages, users } from './schema.js';
import type { SqliteDatabase } from './sqlite-database.js';

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
};

export type MessageRow = Omit<MessageRecord, 'id'> & { id: number };

export const toMessageRecord = (row: MessageRow): MessageRecord => ({
  ...row,
  id: String(row.id),
  senderId: row.anonymized ? null : row.senderId,
  senderName: row.anonymized ? null : row.senderName,
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
