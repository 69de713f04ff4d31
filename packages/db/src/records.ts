import type { MessageStatus } from '@parley/protocol';

/** Dialect-free rows that repositories return. Timestamps are epoch milliseconds. */
export type UserRecord = {
  id: string;
  username: string;
  passwordHash: string;
  createdAt: number;
  deletedAt: number | null;
  lastSeenAt: number | null;
};

export type SessionRecord = {
  id: string;
  userId: string;
  refreshTokenHash: string;
  previousTokenHash: string | null;
  rotatedAt: number | null;
  generation: number;
  createdAt: number;
  lastUsedAt: number;
  userAgent: string | null;
  ip: string | null;
  revokedAt: number | null;
};

export type MessageRecord = {
  id: string;
  conversationId: string;
  clientId: string;
  senderId: string | null;
  recipientId: string;
  /** The sender's username, or null once the sender's account is deleted. */
  senderName: string | null;
  anonymized: boolean;
  body: string;
  createdAt: number;
  status: MessageStatus;
  deliveredAt: number | null;
};

export type PeerRecord = {
  id: string;
  username: string;
  deleted: boolean;
  lastSeenAt: number | null;
};

export type ConversationRecord = {
  id: string;
  createdAt: number;
  peer: PeerRecord;
  lastMessage: MessageRecord | null;
  lastActivityAt: number;
  unreadCount: number;
};

export type EventType = 'message' | 'status' | 'conversation' | 'peer-deleted';

export type EventRecord = {
  userId: string;
  seq: number;
  type: EventType;
  messageId: string | null;
  conversationId: string | null;
  payload: string | null;
  createdAt: number;
};

/** An event to append, inside the transaction of the change it reports. */
export type NewEvent = {
  userId: string;
  type: EventType;
  messageId?: string | null;
  conversationId?: string | null;
  payload?: string | null;
  /** The message as it is at this change, handed to live subscribers (only its id is stored). */
  message?: MessageRecord;
};

/**
 * An event just written, with the message it is about: subscribers in this process render it
 * without reading the log back.
 */
export type AppendedEvent = EventRecord & { message: MessageRecord | null };

export type FileRecord = {
  id: string;
  uploaderId: string;
  /** Sanitized by the caller; never used as a path. */
  name: string;
  contentType: string;
  size: number;
  /** Hex SHA-256 of the bytes (the blob's key on SQLite). */
  sha256: string;
  createdAt: number;
  /** Set once the file is sent with a message. */
  messageId: string | null;
  conversationId: string | null;
};
