import type { MessageRecord, NewEvent } from './records.js';

/** The event that tells a message's sender about a status change (none once they are deleted). */
export const statusEvent = (
  message: MessageRecord,
  status: 'sent' | 'delivered' | 'failed',
  at: number,
): NewEvent[] =>
  message.senderId === null
    ? []
    : [
        {
          userId: message.senderId,
          type: 'status',
          messageId: message.id,
          conversationId: message.conversationId,
          payload: JSON.stringify({ status, at }),
          message,
        },
      ];

/** An edited or deleted message, to both participants (the sender's other sessions too). */
export const messageUpdatedEvents = (message: MessageRecord, senderId: string): NewEvent[] =>
  [senderId, message.recipientId].map((userId) => ({
    userId,
    type: 'message-updated' as const,
    messageId: message.id,
    conversationId: message.conversationId,
    message,
  }));

/** To a sender: the recipient has read their messages up to `upToMessageId` (ids only). */
export const readEvent = (
  senderId: string,
  conversationId: string,
  upToMessageId: string,
  at: number,
): NewEvent => ({
  userId: senderId,
  type: 'read',
  conversationId,
  payload: JSON.stringify({ upToMessageId, at }),
});
