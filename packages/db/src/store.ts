import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type {
  AppendedEvent,
  ConversationRecord,
  EventRecord,
  FileRecord,
  MessageRecord,
  NewEvent,
  SessionRecord,
  SettingsRecord,
  UserRecord,
} from './records.js';

export interface UserRepository {
  /** Creates the user; `false` when a live account has the same username in any case. */
  create(user: {
    id: string;
    username: string;
    passwordHash: string;
    createdAt: number;
  }): Promise<boolean>;
  findById(id: string): Promise<UserRecord | null>;
  /** A live (not deleted) account whose username equals `username` without regard to case. */
  findLiveByUsername(username: string): Promise<UserRecord | null>;
  /** Live accounts whose username starts with `prefix` (any case), excluding one id; by username. */
  searchByPrefix(prefix: string, excludeId: string, limit: number): Promise<UserRecord[]>;
  setLastSeen(id: string, at: number): Promise<void>;
  /** The users that share a conversation with `id`, with their current records. */
  peersOf(id: string): Promise<UserRecord[]>;
  /**
   * Deletes an account in one transaction: it can never log in again and its username is released;
   * its sessions end; messages still waiting for it turn `failed` for their senders; each peer gets
   * a `peer-deleted` event. Its sent messages read as anonymized at once; anonymizeSentBatch() then
   * anonymizes them in storage. Null when there is no such live account.
   */
  deleteAccount(id: string, at: number): Promise<AccountDeletion | null>;
  /** Anonymizes up to `batchSize` of the deleted user's sent messages; returns how many. */
  anonymizeSentBatch(id: string, at: number, batchSize: number): Promise<number>;
  /** The user's settings (both true until changed); null for an unknown id. */
  settings(id: string): Promise<SettingsRecord | null>;
  /** Changes the given settings, keeps the others; the settings now, or null for an unknown id. */
  updateSettings(id: string, changes: Partial<SettingsRecord>): Promise<SettingsRecord | null>;
  /** The user's earlier password hashes, newest first (at most `limit`). */
  passwordHistory(id: string, limit: number): Promise<string[]>;
  /**
   * Replaces the password in one transaction, if it is still `expectedHash` (compare-and-set, so
   * two concurrent changes cannot both win): the old hash joins the history (of which the newest
   * `historyDepth` are kept) and every session of the user but `keepSessionId` ends. Null when the
   * password changed meanwhile or the account is deleted.
   */
  changePassword(change: {
    userId: string;
    expectedHash: string;
    newHash: string;
    at: number;
    historyDepth: number;
    keepSessionId: string;
  }): Promise<{ endedSessionIds: string[] } | null>;
}

export type AccountDeletion = {
  endedSessionIds: string[];
  failed: StatusChange[];
  appended: AppendedEvent[];
};

export interface SessionRepository {
  create(session: {
    id: string;
    userId: string;
    refreshTokenHash: string;
    createdAt: number;
    userAgent: string | null;
    ip: string | null;
  }): Promise<void>;
  findById(id: string): Promise<SessionRecord | null>;
  findByRefreshHash(hash: string): Promise<SessionRecord | null>;
  findByPreviousHash(hash: string): Promise<SessionRecord | null>;
  /**
   * Replaces the current refresh token if it is still `expectedHash` (compare-and-set, so two
   * concurrent refreshes cannot both win). Returns the updated session or null.
   */
  rotate(
    id: string,
    expectedHash: string,
    next: { refreshTokenHash: string; rotatedAt: number },
  ): Promise<SessionRecord | null>;
  touch(id: string, at: number): Promise<void>;
  listLive(userId: string): Promise<SessionRecord[]>;
  /** Ends a session; returns false when it was already ended or is not the user's. */
  revoke(id: string, userId: string, at: number, reason: string): Promise<boolean>;
  /** Ids of sessions ended since `since`: a new process learns which unexpired tokens to refuse. */
  revokedSince(since: number): Promise<string[]>;
}

export type SendResult = {
  message: MessageRecord;
  /** false when the clientId was already used in this conversation: the stored message is returned. */
  created: boolean;
  appended: AppendedEvent[];
};

export type StatusChange = {
  message: MessageRecord;
  appended: AppendedEvent[];
};

/** An edit or a delete for everyone: the message as it is now, and the events that announce it. */
export type MessageChange = StatusChange;

export type ReadReceipt = {
  /** The newest message that turned `read` now (null: none did, and nothing was appended). */
  upToMessageId: string | null;
  appended: AppendedEvent[];
};

export interface ConversationRepository {
  /** Get-or-create for an unordered pair; safe when both people open it at the same moment. */
  open(
    conversation: { id: string; userA: string; userB: string; createdAt: number },
    /** Appended to `notify`'s log only if this call created the conversation. */
    notify: string,
  ): Promise<{ conversationId: string; created: boolean; appended: AppendedEvent[] }>;
  /** Every conversation of `userId`, with peer, last message and unread count, newest activity first. */
  listFor(userId: string): Promise<ConversationRecord[]>;
  /** The conversation if `userId` takes part in it, else null. */
  getFor(userId: string, conversationId: string): Promise<ConversationRecord | null>;
  /** The two participants, or null for an unknown id. */
  participants(conversationId: string): Promise<[string, string] | null>;
  markRead(userId: string, conversationId: string, upToMessageId: string): Promise<number>;
}

export type MessageSearchQuery = {
  /** Only messages of this user's conversations. */
  ownerId: string;
  /**
   * The words to find, as typed: each is split and accent-folded like the message bodies (so any
   * text is safe, and `C++` finds `c`), all must match, and the last one matches as a prefix.
   */
  words: string[];
  conversationId: string | null;
  /** Only messages older than this message id. */
  before: string | null;
  limit: number;
};

export type MessageSearchHit = {
  message: MessageRecord;
  snippet: string;
  highlights: Array<[number, number]>;
};

export interface MessageRepository {
  /**
   * Stores a message (or finds the one with the same clientId) and appends its events, atomically.
   * First, in the same transaction: a sender that is not a live account is SenderUnknownError, a
   * recipient that is not one is RecipientDeletedError; nothing is stored then (a repeated
   * clientId too is answered only once both pass).
   */
  send(message: {
    conversationId: string;
    clientId: string;
    senderId: string;
    recipientId: string;
    body: string;
    createdAt: number;
    status: 'pending' | 'sent';
    /** A message of the same conversation (the caller checks that). @default null */
    replyToId?: string | null;
    /**
     * An unsent upload of the sender's, attached in the send's transaction when the message is
     * newly stored (a repeated clientId attaches nothing). Not attachable (unknown, someone
     * else's, already sent): FileNotAttachableError, and nothing is stored. @default null
     */
    fileId?: string | null;
  }): Promise<SendResult>;
  history(conversationId: string, before: string | null, limit: number): Promise<MessageRecord[]>;
  byIds(ids: string[]): Promise<MessageRecord[]>;
  /** pending → sent for messages pushed to a live connection of their recipient. */
  markSent(recipientId: string, ids: string[], at: number): Promise<StatusChange[]>;
  /** pending/sent → delivered for the recipient's acknowledged messages. */
  markDelivered(
    recipientId: string,
    ids: string[],
    at: number,
  ): Promise<{
    changed: StatusChange[];
    /** Every requested id that is now delivered to this recipient (changed now or before). */
    delivered: string[];
  }>;
  /**
   * Replaces the body of the sender's message (not deleted) and sets editedAt; the search index
   * follows in the same transaction; both participants get `message-updated`. Null when the
   * message is not the sender's or is deleted.
   */
  edit(change: {
    messageId: string;
    senderId: string;
    body: string;
    at: number;
  }): Promise<MessageChange | null>;
  /**
   * Deletes the sender's message for everyone: the body becomes "" in the row and the index (no
   * trace of the text left in the storage), deletedAt is set; both participants get
   * `message-updated`. Null when it is not the sender's or was deleted already.
   */
  delete(change: {
    messageId: string;
    senderId: string;
    at: number;
  }): Promise<MessageChange | null>;
  /**
   * Read receipts: the recipient's incoming messages of the conversation up to the id turn
   * `read` (delivered too, if they were not), and their sender gets a `read` event.
   */
  markRead(
    recipientId: string,
    conversationId: string,
    upToMessageId: string,
    at: number,
  ): Promise<ReadReceipt>;
  /** Newest first. */
  search(query: MessageSearchQuery): Promise<MessageSearchHit[]>;
  /** How many messages wait for their recipient (the offline queue's depth). */
  undeliveredCount(): Promise<number>;
}

export interface EventRepository {
  /** Events after `afterSeq`, oldest first. */
  after(userId: string, afterSeq: number, limit: number): Promise<EventRecord[]>;
  /** The newest event id of the user's log (0 when empty). */
  head(userId: string): Promise<number>;
  /**
   * The 'message' events of messages still undelivered to the user, in message order, for the
   * messages after `afterMessageId` (null: from the first).
   */
  undelivered(userId: string, afterMessageId: string | null, limit: number): Promise<EventRecord[]>;
  append(events: NewEvent[]): Promise<AppendedEvent[]>;
}

export type RateLimiterOptions = {
  keyPrefix: string;
  points: number;
  /** seconds */
  duration: number;
  /** seconds; when set, a key that runs out stays blocked this long */
  blockDuration?: number;
};

/**
 * Wake-ups across the processes that share one database. Messages are small (ids, never message
 * text) and may be lost while a listener is disconnected: after such a gap `onResync` listeners
 * are called, and whoever relies on notifications re-reads the durable state they stand for.
 */
export interface Notifier {
  /**
   * Delivered to this process's subscribers at once (synchronously) and to other processes'
   * shortly after. Call it once the change it announces is committed. Never throws: a failure to
   * reach the other processes is reported in the background and triggers `onResync` listeners.
   */
  publish(topic: string, message: string): void;
  subscribe(topic: string, listener: (message: string) => void): () => void;
  /** Called after notifications may have been missed (the listening connection came back). */
  onResync(listener: () => void): () => void;
}

/**
 * Which server processes hold a live connection of which users: a user is online while any
 * process holds an unexpired lease on them. A process renews its leases by heartbeat; a process
 * that dies stops renewing and its leases expire.
 */
export interface PresenceLeases {
  /** Takes or extends this process's lease on each user, until `expiresAt`. */
  hold(processId: string, userIds: string[], expiresAt: number): Promise<void>;
  /** Ends this process's lease on each user. */
  release(processId: string, userIds: string[]): Promise<void>;
  /** Those of `userIds` with an unexpired lease held by any process. */
  onlineAmong(userIds: string[], now: number): Promise<Set<string>>;
  /** Deletes leases expired at `now`; returns the users whose lease was removed (no duplicates). */
  sweepExpired(now: number): Promise<string[]>;
}

/** A byte range of a stored file, both ends included (HTTP's `bytes=start-end`). */
export type ByteRange = { start: number; end: number };

/**
 * Uploaded files: their rows, and their bytes wherever every server process of the deployment
 * can read them (SQLite: a content-addressed folder beside the database; PostgreSQL: the database).
 * A file is "unsent" until attachToMessage() ties it to a message.
 */
export interface FileRepository {
  /**
   * Streams `content` into storage and then records the file. Past `limitBytes` it stops reading,
   * keeps nothing and rejects with FileTooLargeError. When `content` fails (the client went away),
   * nothing is kept either.
   */
  create(
    file: {
      id: string;
      uploaderId: string;
      name: string;
      contentType: string;
      createdAt: number;
      limitBytes: number;
    },
    content: AsyncIterable<Uint8Array>,
  ): Promise<FileRecord>;
  findById(id: string): Promise<FileRecord | null>;
  /** The bytes of a file found by findById(), all of them or `range`, in bounded chunks. */
  read(file: FileRecord, range?: ByteRange): AsyncIterable<Uint8Array>;
  /** Bytes of every file the user uploaded (sent or not): what their storage quota counts. */
  storedBytesOf(userId: string): Promise<number>;
  /**
   * Ties the caller's unsent upload to a message; false when `fileId` is unknown, someone else's
   * or already sent. Runs as one conditional UPDATE, so inside a message's send transaction it is
   * part of that transaction: see attachSqliteFile() and attachPgFile() for calling it there.
   */
  attachToMessage(
    fileId: string,
    uploaderId: string,
    messageId: string,
    conversationId: string,
  ): Promise<boolean>;
  /** Removes the file of a message (deleted for everyone); returns how many files were removed. */
  removeForMessage(messageId: string): Promise<number>;
  /** Removes uploads never sent and created before `cutoff`; returns how many. */
  removeUnsentOlderThan(cutoff: number): Promise<number>;
  /** Removes the user's unsent uploads (account deletion: what was sent stays with the peers). */
  removeUnsentOf(userId: string): Promise<number>;
  /** Every stored file and their bytes together (logical sizes), for /metrics. */
  totals(): Promise<{ count: number; bytes: number }>;
}

/** Figures for /metrics and the periodic log line. */
export type StoreStats = {
  /** Connections the pool may open (1 for SQLite's single connection). */
  poolMax: number;
  /** Pool connections open now. */
  poolOpen: number;
  /** Repository operations running now (at most one per pool connection). */
  queriesInFlight: number;
  /** Repository operations waiting for a free connection. */
  queriesWaiting: number;
  /** Delay of the latest cross-process notification, publish to receipt (null: none yet). */
  notificationLagMs: number | null;
  /** Read replicas configured, and those usable now (up, and within the lag allowed). */
  replicasConfigured: number;
  replicasUsable: number;
};

export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  readonly conversations: ConversationRepository;
  readonly messages: MessageRepository;
  readonly events: EventRepository;
  readonly notifier: Notifier;
  readonly presenceLeases: PresenceLeases;
  readonly files: FileRepository;
  createRateLimiter(options: RateLimiterOptions): RateLimiterAbstract;
  /** Size in bytes of the database on disk, for the metrics. */
  sizeBytes(): Promise<number>;
  /**
   * Resolves once the database answers a trivial query; rejects when it cannot be reached, within
   * a couple of seconds (never hangs while the server is down).
   */
  ping(): Promise<void>;
  stats(): StoreStats;
  close(): Promise<void>;
}
