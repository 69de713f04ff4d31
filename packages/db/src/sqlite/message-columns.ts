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
  senderName: sql<string | null>`${users.username}`.as('sender_name'),
  anonymized: messages.isAnonymized,
  body: messages.body,
  createdAt: messages.createdAt,
  status: messages.status,
  deliveredAt: messages.deliveredAt,
};

export type MessageRow = Omit<MessageRecord, 'id'> & { id: number };

export const toMessageRecord = (row: MessageRow): MessageRecord => ({
  ...row,
  id: String(row.id),
  senderName: row.anonymized ? null : row.senderName,
});
