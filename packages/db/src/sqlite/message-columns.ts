import { sql } from 'drizzle-orm';
import type { MessageRecord } from '../records.js';
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
