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
