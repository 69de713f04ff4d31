import { sql } from 'drizzle-orm';
import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';

export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    username: text('username').notNull(),
    /** Lower-cased username: uniqueness and prefix search ignore case. */
    usernameKey: text('username_key').notNull(),
    passwordHash: text('password_hash').notNull(),
    createdAt: integer('created_at').notNull(),
    deletedAt: integer('deleted_at'),
    lastSeenAt: integer('last_seen_at'),
    /** Settings (docs/api.md, Release 2): both reciprocal, both on unless turned off. */
    readReceipts: integer('read_receipts', { mode: 'boolean' }).notNull().default(true),
    typingIndicators: integer('typing_indicators', { mode: 'boolean' }).notNull().default(true),
  },
  (table) => [
    // Deleted accounts release their username for a new, unrelated account.
    uniqueIndex('users_username_key_live')
      .on(table.usernameKey)
      .where(sql`deleted_at IS NULL`),
  ],
);

export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    refreshTokenHash: text('refresh_token_hash').notNull(),
    /** The token that the current one replaced, kept for the 30-second exact-retry window. */
    previousTokenHash: text('previous_token_hash'),
    rotatedAt: integer('rotated_at'),
    generation: integer('generation').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    lastUsedAt: integer('last_used_at').notNull(),
    userAgent: text('user_agent'),
    ip: text('ip'),
    revokedAt: integer('revoked_at'),
    revokedReason: text('revoked_reason'),
  },
  (table) => [
    uniqueIndex('sessions_refresh_token_hash').on(table.refreshTokenHash),
    index('sessions_previous_token_hash').on(table.previousTokenHash),
    index('sessions_user').on(table.userId),
    index('sessions_revoked_at').on(table.revokedAt),
  ],
);

/** rate-limiter-flexible's counters (SqliteRateLimiter): survive restarts, shared by all processes. */
export const rateLimits = sqliteTable('rate_limits', {
  key: text('key').primaryKey(),
  points: integer('points').notNull().default(0),
  expire: integer('expire', { mode: 'timestamp_ms' }),
});

export const conversations = sqliteTable(
  'conversations',
  {
    id: text('id').primaryKey(),
    /** The pair, ordered so that (A, B) and (B, A) are the same row. */
    userLow: text('user_low')
      .notNull()
      .references(() => users.id),
    userHigh: text('user_high')
      .notNull()
      .references(() => users.id),
    createdAt: integer('created_at').notNull(),
    lastMessageId: integer('last_message_id'),
    lastActivityAt: integer('last_activity_at').notNull(),
  },
  (table) => [
    uniqueIndex('conversations_pair').on(table.userLow, table.userHigh),
    index('conversations_high').on(table.userHigh),
  ],
);

export const messages = sqliteTable(
  'messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id),
    clientId: text('client_id').notNull(),
    senderId: text('sender_id').references(() => users.id),
    recipientId: text('recipient_id')
      .notNull()
      .references(() => users.id),
    body: text('body').notNull(),
    createdAt: integer('created_at').notNull(),
    status: text('status', {
      enum: ['pending', 'sent', 'delivered', 'read', 'failed'],
    }).notNull(),
    deliveredAt: integer('delivered_at'),
    /** Deleted for everyone by its sender: the body is then "" (erased, also from the index). */
    deletedAt: integer('deleted_at'),
    editedAt: integer('edited_at'),
    /** The message this one replies to (same conversation); its excerpt is read at read time. */
    replyToId: integer('reply_to_id'),
    isAnonymized: integer('is_anonymized', { mode: 'boolean' }).notNull().default(false),
  },
  (table) => [
    uniqueIndex('messages_conversation_client').on(table.conversationId, table.clientId),
    index('messages_conversation_id').on(table.conversationId, table.id),
    // The offline queue: undelivered messages per recipient.
    index('messages_undelivered')
      .on(table.recipientId, table.id)
      .where(sql`status IN ('pending', 'sent')`),
    index('messages_sender').on(table.senderId),
  ],
);

/**
 * Each user's durable event log. Every change a user must learn about is appended here in the same
 * transaction as the change; `messages.events` replays it and then tails it.
 */
export const events = sqliteTable(
  'events',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    seq: integer('seq').notNull(),
    type: text('type', {
      enum: ['message', 'status', 'conversation', 'peer-deleted', 'message-updated', 'read'],
    }).notNull(),
    messageId: integer('message_id'),
    conversationId: text('conversation_id'),
    /** JSON for events that are not rendered from current rows (status changes). */
    payload: text('payload'),
    createdAt: integer('created_at').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.userId, table.seq] }),
    index('events_message').on(table.messageId),
  ],
);

export const readMarkers = sqliteTable(
  'read_markers',
  {
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    lastReadMessageId: integer('last_read_message_id').notNull(),
  },
  (table) => [primaryKey({ columns: [table.conversationId, table.userId] })],
);

/** Each user's earlier password hashes (the newest few), so a new password cannot repeat them. */
export const passwordHistory = sqliteTable(
  'password_history',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    passwordHash: text('password_hash').notNull(),
    /** When this hash stopped being the current one. */
    replacedAt: integer('replaced_at').notNull(),
  },
  (table) => [index('password_history_user').on(table.userId, table.replacedAt)],
);

/**
 * Uploaded files. The bytes are a blob named by `sha256` in the files folder beside the database
 * (identical content is stored once; a blob goes when no row names it any more). Unsent until
 * `message_id` is set by the send that carries it.
 */
export const files = sqliteTable(
  'files',
  {
    id: text('id').primaryKey(),
    uploaderId: text('uploader_id')
      .notNull()
      .references(() => users.id),
    name: text('name').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    createdAt: integer('created_at').notNull(),
    messageId: integer('message_id'),
    conversationId: text('conversation_id'),
  },
  (table) => [
    index('files_uploader').on(table.uploaderId),
    index('files_message').on(table.messageId),
    index('files_sha256').on(table.sha256),
    // The cleanup of uploads never sent.
    index('files_unsent_created_at')
      .on(table.createdAt)
      .where(sql`message_id IS NULL`),
  ],
);
