/** How a column travels: SQLite's integers become bigint/integer/boolean, text stays text. */
export type CopiedColumnType = 'text' | 'int8' | 'int4' | 'bool';

export type CopiedTable = {
  name:
    | 'users'
    | 'password_history'
    | 'sessions'
    | 'conversations'
    | 'messages'
    | 'events'
    | 'read_markers'
    | 'rate_limits'
    | 'files';
  /** Same names in both dialects; PostgreSQL's generated `messages.search` is not copied. */
  columns: ReadonlyArray<readonly [name: string, type: CopiedColumnType]>;
  /** The id column is an identity: insert it as it was (OVERRIDING SYSTEM VALUE). */
  keepsIdentity?: boolean;
};

/**
 * Every table with lasting data, in an order that satisfies the foreign keys (users first).
 * Derived rows (PostgreSQL's `user_event_heads`) are rebuilt after the copy; runtime rows
 * (`presence_leases`) are not data. The bytes of `files` are not a SQLite table: they are copied
 * from the files folder into `file_chunks` after the rows (see copyFileBlobs).
 */
export const copiedTables: readonly CopiedTable[] = [
  {
    name: 'users',
    columns: [
      ['id', 'text'],
      ['username', 'text'],
      ['username_key', 'text'],
      ['password_hash', 'text'],
      ['created_at', 'int8'],
      ['deleted_at', 'int8'],
      ['last_seen_at', 'int8'],
      ['read_receipts', 'bool'],
      ['typing_indicators', 'bool'],
    ],
  },
  {
    name: 'password_history',
    columns: [
      ['user_id', 'text'],
      ['password_hash', 'text'],
      ['replaced_at', 'int8'],
    ],
  },
  {
    name: 'sessions',
    columns: [
      ['id', 'text'],
      ['user_id', 'text'],
      ['refresh_token_hash', 'text'],
      ['previous_token_hash', 'text'],
      ['rotated_at', 'int8'],
      ['generation', 'int4'],
      ['created_at', 'int8'],
      ['last_used_at', 'int8'],
      ['user_agent', 'text'],
      ['ip', 'text'],
      ['revoked_at', 'int8'],
      ['revoked_reason', 'text'],
    ],
  },
  {
    name: 'conversations',
    columns: [
      ['id', 'text'],
      ['user_low', 'text'],
      ['user_high', 'text'],
      ['created_at', 'int8'],
      ['last_message_id', 'int8'],
      ['last_activity_at', 'int8'],
    ],
  },
  {
    name: 'messages',
    keepsIdentity: true,
    columns: [
      ['id', 'int8'],
      ['conversation_id', 'text'],
      ['client_id', 'text'],
      ['sender_id', 'text'],
      ['recipient_id', 'text'],
      ['body', 'text'],
      ['created_at', 'int8'],
      ['status', 'text'],
      ['delivered_at', 'int8'],
      ['deleted_at', 'int8'],
      ['is_anonymized', 'bool'],
      ['edited_at', 'int8'],
      ['reply_to_id', 'int8'],
    ],
  },
  {
    name: 'events',
    columns: [
      ['user_id', 'text'],
      ['seq', 'int8'],
      ['type', 'text'],
      ['message_id', 'int8'],
      ['conversation_id', 'text'],
      ['payload', 'text'],
      ['created_at', 'int8'],
    ],
  },
  {
    name: 'read_markers',
    columns: [
      ['conversation_id', 'text'],
      ['user_id', 'text'],
      ['last_read_message_id', 'int8'],
    ],
  },
  {
    name: 'rate_limits',
    columns: [
      ['key', 'text'],
      ['points', 'int4'],
      ['expire', 'int8'],
    ],
  },
  {
    name: 'files',
    columns: [
      ['id', 'text'],
      ['uploader_id', 'text'],
      ['name', 'text'],
      ['content_type', 'text'],
      ['size', 'int8'],
      ['sha256', 'text'],
      ['created_at', 'int8'],
      ['message_id', 'int8'],
      ['conversation_id', 'text'],
    ],
  },
];
