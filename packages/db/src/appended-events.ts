import type { AppendedEvent, NewEvent } from './records.js';

/** The events as written with the ids they were given, for subscribers in this process. */
export const toAppendedEvents = (
  newEvents: NewEvent[],
  seqs: number[],
  now: number,
): AppendedEvent[] =>
  newEvents.map((event, index) => ({
    userId: event.userId,
    seq: seqs[index] ?? 0,
    type: event.type,
    messageId: event.messageId ?? null,
    conversationId: event.conversationId ?? null,
    payload: event.payload ?? null,
    createdAt: now,
    message: event.message ?? null,
  }));
