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

export type SettingsRecord = { readReceipts: boolean; typingIndicators: boolean };

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
  editedAt: number | null;
  /** Deleted for everyone: `body` is then "". */
  deletedAt: number | null;
  /** The message this one replies to, as it is now (read at read time: follows edits, deletes). */
  replyTo: ReplyRecord | null;
  /** The file sent with it (its `files` row), null when none or once deleted. */
  attachment: AttachmentRecord | null;
};

/** The file of a message, as clients see it. */
export type AttachmentRecord = {
  fileId: string;
  name: string;
  size: number;
  contentType: string;
};

/** The original of a reply, read with the reply. */
export type ReplyRecord = {
  id: string;
  /** The original sender's username, or null once their account is deleted. */
  senderName: string | null;
  /** Its current body ("" once deleted for everyone). */
  body: string;
  deleted: boolean;
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

export type EventType =
  | 'message'
  | 'status'
  | 'conversation'
  | 'peer-deleted'
  /** A message was edited or deleted for everyone: rendered from its current row. */
  | 'message-updated'
  /** To a sender: the recipient read up to a message (payload: `{ upToMessageId, at }`). */
  | 'read';

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
