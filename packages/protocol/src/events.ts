import type { Conversation, Message } from './entities.js';

/** What `messages.events` yields, each wrapped in `tracked(eventId, event)`. */
export type ChatEvent =
  | { type: 'message'; message: Message }
  | {
      type: 'status';
      conversationId: string;
      messageId: string;
      clientId: string;
      status: 'sent' | 'delivered' | 'failed';
      at: number;
    }
  | { type: 'conversation'; conversation: Conversation }
  | { type: 'peer-deleted'; conversationId: string }
  /** A message of the conversation was edited or deleted for everyone (the message as it is now). */
  | { type: 'message-updated'; message: Message }
  /** To the sender: the recipient has read their messages up to this id. */
  | { type: 'read'; conversationId: string; upToMessageId: string; at: number };

export type PeerPresence = { userId: string; online: boolean; lastSeenAt: number | null };

export type TypingEvent = {
  type: 'typing';
  conversationId: string;
  userId: string;
  typing: boolean;
};

export type PresenceEvent =
  { type: 'snapshot'; peers: PeerPresence[] } | ({ type: 'presence' } & PeerPresence) | TypingEvent;
