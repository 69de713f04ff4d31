import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  customType,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/** Epoch milliseconds. */
const epochMs = (name: string) => bigint(name, { mode: 'number' });

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

/** The text search configuration of the search migration: `simple`, accents folded. */
export const searchConfiguration = 'parley_search';

export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    username: text('username').notNull(),
    /** Lower-cased username: uniqueness and prefix search ignore case. */
    usernameKey: text('username_key').notNull(),
    passwordHash: text('password_hash').notNull(),
    createdAt: epochMs('created_at').notNull(),
    deletedAt: epochMs('deleted_at'),
    lastSeenAt: epochMs('last_seen_at'),
    /** Settings (docs/api.md, Release 2): both reciprocal, both on unless turned off. */
    readReceipts: boolean('read_receipts').notNull().default(true),
    typingIndicators: boolean('typing_indicators').notNull().default(true),
  },
  (table) => [
    // Deleted accounts release their username for a new, unrelated account.
    uniqueIndex('users_username_key_live')
      .on(table.usernameKey)
      .where(sql`deleted_at IS NULL`),
    // Prefix search compares bytes (~>=~, ~<~), whatever the database's collation.
    index('users_username_key_prefix')
      .on(table.usernameKey.op('text_pattern_ops'))
      .where(sql`deleted_at IS NULL`),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    refreshTokenHash: text('refresh_token_hash').notNull(),
    /** The token that the current one replaced, kept for the 30-second exact-retry window. */
    previousTokenHash: text('previous_token_hash'),
    rotatedAt: epochMs('rotated_at'),
    generation: integer('generation').notNull().default(0),
    createdAt: epochMs('created_at').notNull(),
    lastUsedAt: epochMs('last_used_at').notNull(),
    userAgent: text('user_agent'),
    ip: text('ip'),
    revokedAt: epochMs('revoked_at'),
    revokedReason: text('revoked_reason'),
  },
  (table) => [
    uniqueIndex('sessions_refresh_token_hash').on(table.refreshTokenHash),
    index('sessions_previous_token_hash').on(table.previousTokenHash),
    index('sessions_user').on(table.userId),
    index('sessions_revoked_at').on(table.revokedAt),
  ],
);

/** rate-limiter-flexible's counters: shared by all processes. */
export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  points: integer('points').notNull().default(0),
  expire: epochMs('expire'),
});

export const conversations = pgTable(
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
    createdAt: epochMs('created_at').notNull(),
    lastMessageId: bigint('last_message_id', { mode: 'number' }),
    lastActivityAt: epochMs('last_activity_at').notNull(),
  },
  (table) => [
    uniqueIndex('conversations_pair').on(table.userLow, table.userHigh),
    index('conversations_high').on(table.userHigh),
  ],
);

export const messages = pgTable(
  'messages',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id),
    clientId: text('client_id').notNull(),
    senderId: text('sender_id').references(() => users.id),
    recipientId: text('recipient_id')
      .notNull()
      .references(() => users.id),
    body: text('body').notNull(),
    createdAt: epochMs('created_at').notNull(),
    status: text('status', {
      enum: ['pending', 'sent', 'delivered', 'read', 'failed'],
    }).notNull(),
    deliveredAt: epochMs('delivered_at'),
    /** Deleted for everyone by its sender: the body is then "" (and so is its search vector). */
    deletedAt: epochMs('deleted_at'),
    editedAt: epochMs('edited_at'),
    /** The message this one replies to (same conversation); its excerpt is read at read time. */
    replyToId: bigint('reply_to_id', { mode: 'number' }),
    isAnonymized: boolean('is_anonymized').notNull().default(false),
    /**
     * What search matches: the participants' ids verbatim as weight-A lexemes (a search is scoped
     * to its caller inside the index lookup) and the body's words, accents folded, as weight D.
     * ASCII punctuation becomes a space first, so `foo.bar` or `a@b.c` index their words as the
     * search splits them (PostgreSQL's parser would keep such runs as one host or email token).
     * Generated, so any later change of the row keeps it in step.
     */
    search: tsvector('search')
      .notNull()
      .generatedAlwaysAs(
        sql`setweight(array_to_tsvector(array_remove(ARRAY[recipient_id, sender_id], NULL)), 'A') || setweight(to_tsvector('parley_search'::regconfig, regexp_replace(body, '[\\x01-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7f]+', ' ', 'g')), 'D')`,
      ),
  },
  (table) => [
    uniqueIndex('messages_conversation_client').on(table.conversationId, table.clientId),
    index('messages_conversation_id').on(table.conversationId, table.id),
    // The offline queue: undelivered messages per recipient.
    index('messages_undelivered')
      .on(table.recipientId, table.id)
      .where(sql`status IN ('pending', 'sent')`),
    index('messages_sender').on(table.senderId),
    index('messages_search').using('gin', table.search),
  ],
);

/**
 * Each user's durable event log. Every change a user must learn about is appended here in the same
 * transaction as the change; `messages.events` replays it and then tails it.
 */
export const events = pgTable(
  'events',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    type: text('type', {
      enum: ['message', 'status', 'conversation', 'peer-deleted', 'message-updated', 'read'],
    }).notNull(),
    messageId: bigint('message_id', { mode: 'number' }),
    conversationId: text('conversation_id'),
    /** JSON for events that are not rendered from current rows (status changes). */
    payload: text('payload'),
    createdAt: epochMs('created_at').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.userId, table.seq] }),
    index('events_message').on(table.messageId),
  ],
);

/**
 * The newest event id of each user's log. Appending updates this row first, in the appending
 * transaction: its row lock serializes one user's appends, so ids become visible in commit order.
 */
export const userEventHeads = pgTable('user_event_heads', {
  userId: text('user_id')
    .primaryKey()
    .references(() => users.id),
  lastSeq: bigint('last_seq', { mode: 'number' }).notNull(),
});

export const readMarkers = pgTable(
  'read_markers',
  {
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    lastReadMessageId: bigint('last_read_message_id', { mode: 'number' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.conversationId, table.userId] })],
);

/** Which process holds a live connection of which user, until when (see PgPresenceLeases). */
export const presenceLeases = pgTable(
  'presence_leases',
  {
    processId: text('process_id').notNull(),
    userId: text('user_id').notNull(),
    expiresAt: epochMs('expires_at').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.processId, table.userId] }),
    index('presence_leases_user').on(table.userId),
    index('presence_leases_expires_at').on(table.expiresAt),
  ],
);

/** Each user's earlier password hashes (the newest few), so a new password cannot repeat them. */
export const passwordHistory = pgTable(
  'password_history',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    passwordHash: text('password_hash').notNull(),
    /** When this hash stopped being the current one. */
    replacedAt: epochMs('replaced_at').notNull(),
  },
  (table) => [index('password_history_user').on(table.userId, table.replacedAt)],
);

/**
 * Uploaded files. The bytes are rows of `file_chunks` (256 KiB each), so every process that
 * reaches the database serves them and a read holds one chunk at a time. A row is `complete`
 * once all its chunks are in; an upload cut off half-way stays incomplete (never served) until
 * the cleanup of unsent uploads removes it with its chunks. Unsent until `message_id` is set.
 */
export const files = pgTable(
  'files',
  {
    id: text('id').primaryKey(),
    uploaderId: text('uploader_id')
      .notNull()
      .references(() => users.id),
    name: text('name').notNull(),
    contentType: text('content_type').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    sha256: text('sha256').notNull(),
    createdAt: epochMs('created_at').notNull(),
    messageId: bigint('message_id', { mode: 'number' }),
    conversationId: text('conversation_id'),
    complete: boolean('complete').notNull().default(true),
  },
  (table) => [
    index('files_uploader').on(table.uploaderId),
    index('files_message').on(table.messageId),
    // The cleanup of uploads never sent.
    index('files_unsent_created_at')
      .on(table.createdAt)
      .where(sql`message_id IS NULL`),
  ],
);

export const fileChunks = pgTable(
  'file_chunks',
  {
    fileId: text('file_id')
      .notNull()
      .references(() => files.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    data: bytea('data').notNull(),
  },
  (table) => [primaryKey({ columns: [table.fileId, table.seq] })],
);
