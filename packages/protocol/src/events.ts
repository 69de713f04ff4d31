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
  | { type: 'peer-deleted'; conversationId: string };

export type PeerPresence = { userId: string; online: boolean; lastSeenAt: number | null };

export type PresenceEvent =
  { type: 'snapshot'; peers: PeerPresence[] } | ({ type: 'presence' } & PeerPresence);
