import { and, desc, eq, isNull, ne, or, sql } from 'drizzle-orm';
import { DELETED_USER_NAME } from '@parley/protocol';
import type { SettingsRecord, UserRecord } from '../records.js';
import { statusEvent } from '../status-event.js';
import type { AccountDeletion, UserRepository } from '../store.js';
import { appendEventGroups } from './pg-event-appender.js';
import { messagesByIds } from './pg-message-columns.js';
import type { PgPool } from './pg-pool.js';
import type { ReadRouter } from './read-router.js';
import { conversations, messages, passwordHistory, sessions, users } from './schema.js';

const userColumns = {
  id: users.id,
  username: users.username,
  passwordHash: users.passwordHash,
  createdAt: users.createdAt,
  deletedAt: users.deletedAt,
  lastSeenAt: users.lastSeenAt,
};

/** Usernames are ASCII, so every key with a given prefix sorts (bytewise) below prefix + DEL. */
const prefixUpperBound = (prefix: string): string => `${prefix}\x7f`;

export class PgUserRepository implements UserRepository {
  constructor(
    private readonly pool: PgPool,
    private readonly reads: ReadRouter,
  ) {}

  async create(user: { id: string; username: string; passwordHash: string; createdAt: number }) {
    const inserted = await this.pool.run((db) =>
      db
        .insert(users)
        .values({ ...user, usernameKey: user.username.toLowerCase() })
        .onConflictDoNothing()
        .returning({ id: users.id }),
    );
    return inserted.length === 1;
  }

  async findById(id: string): Promise<UserRecord | null> {
    // On every send (sender and recipient): a prepared statement.
    const rows = await this.pool.statement(
      (sql) => sql<UserRecord[]>`
        SELECT id, username, password_hash AS "passwordHash", created_at AS "createdAt",
               deleted_at AS "deletedAt", last_seen_at AS "lastSeenAt"
        FROM users WHERE id = ${id}`,
    );
    return rows[0] ?? null;
  }

  async findLiveByUsername(username: string): Promise<UserRecord | null> {
    if (username.includes('\0')) return null; // PostgreSQL text cannot hold NUL: no such name
    const rows = await this.pool.run((db) =>
      db
        .select(userColumns)
        .from(users)
        .where(and(eq(users.usernameKey, username.toLowerCase()), isNull(users.deletedAt))),
    );
    return rows[0] ?? null;
  }

  async searchByPrefix(prefix: string, excludeId: string, limit: number): Promise<UserRecord[]> {
    if (prefix.includes('\0')) return []; // PostgreSQL text cannot hold NUL: no such name
    const key = prefix.toLowerCase();
    return this.reads.run((db) =>
      db
        .select(userColumns)
        .from(users)
        .where(
          and(
            // A bytewise range on the text_pattern_ops index instead of LIKE: no wildcards to
            // escape, and the index serves it whatever the parameter is.
            sql`${users.usernameKey} ~>=~ ${key}`,
            sql`${users.usernameKey} ~<~ ${prefixUpperBound(key)}`,
            isNull(users.deletedAt),
            ne(users.id, excludeId),
          ),
        )
        .orderBy(sql`${users.usernameKey} COLLATE "C"`)
        .limit(limit),
    );
  }

  async setLastSeen(id: string, at: number): Promise<void> {
    await this.pool.statement(
      (sql) => sql`UPDATE users SET last_seen_at = ${at}::int8 WHERE id = ${id}`,
    );
  }

  async deleteAccount(id: string, at: number): Promise<AccountDeletion | null> {
    return this.pool.transaction(async (tx): Promise<AccountDeletion | null> => {
      const deleted = await tx
        .update(users)
        .set({
          deletedAt: at,
          // The username is released (the live-username index ignores deleted rows) and the
          // password can never match again.
          username: DELETED_USER_NAME,
          usernameKey: `deleted:${id}`,
          passwordHash: '',
        })
        .where(and(eq(users.id, id), isNull(users.deletedAt)))
        .returning({ id: users.id });
      if (deleted.length === 0) return null;
      await tx.delete(passwordHistory).where(eq(passwordHistory.userId, id));

      const endedSessionIds = (
        await tx
          .update(sessions)
          .set({ revokedAt: at, revokedReason: 'account-deleted' })
          .where(and(eq(sessions.userId, id), isNull(sessions.revokedAt)))
          .returning({ id: sessions.id })
      ).map((row) => row.id);

      const failedIds = (
        await tx
          .update(messages)
          .set({ status: 'failed' })
          .where(and(eq(messages.recipientId, id), sql`${messages.status} IN ('pending', 'sent')`))
          .returning({ id: messages.id })
      ).map((row) => row.id);
      const failedMessages = await messagesByIds(tx, failedIds);

      const peers = await tx
        .select({ id: conversations.id, low: conversations.userLow, high: conversations.userHigh })
        .from(conversations)
        .where(or(eq(conversations.userLow, id), eq(conversations.userHigh, id)));

      const peerEvents = peers.map((conversation) => ({
        userId: conversation.low === id ? conversation.high : conversation.low,
        type: 'peer-deleted' as const,
        conversationId: conversation.id,
      }));
      // One append for all, so the head rows are locked in one sorted pass.
      const [peerAppended = [], ...statusAppended] = await appendEventGroups(
        tx,
        [peerEvents, ...failedMessages.map((message) => statusEvent(message, 'failed', at))],
        at,
      );
      const failed = failedMessages.map((message, index) => ({
        message,
        appended: statusAppended[index] ?? [],
      }));
      return { endedSessionIds, failed, appended: peerAppended };
    });
  }

  async settings(id: string): Promise<SettingsRecord | null> {
    const [row] = await this.pool.run((db) =>
      db
        .select({ readReceipts: users.readReceipts, typingIndicators: users.typingIndicators })
        .from(users)
        .where(eq(users.id, id)),
    );
    return row ?? null;
  }

  async updateSettings(
    id: string,
    changes: Partial<SettingsRecord>,
  ): Promise<SettingsRecord | null> {
    const set = {
      ...(changes.readReceipts === undefined ? {} : { readReceipts: changes.readReceipts }),
      ...(changes.typingIndicators === undefined
        ? {}
        : { typingIndicators: changes.typingIndicators }),
    };
    if (Object.keys(set).length === 0) return this.settings(id);
    const [row] = await this.pool.run((db) =>
      db
        .update(users)
        .set(set)
        .where(eq(users.id, id))
        .returning({ readReceipts: users.readReceipts, typingIndicators: users.typingIndicators }),
    );
    return row ?? null;
  }

  async passwordHistory(id: string, limit: number): Promise<string[]> {
    const rows = await this.pool.run((db) =>
      db
        .select({ hash: passwordHistory.passwordHash })
        .from(passwordHistory)
        .where(eq(passwordHistory.userId, id))
        .orderBy(desc(passwordHistory.replacedAt))
        .limit(limit),
    );
    return rows.map((row) => row.hash);
  }

  async changePassword(change: {
    userId: string;
    expectedHash: string;
    newHash: string;
    at: number;
    historyDepth: number;
    keepSessionId: string;
  }): Promise<{ endedSessionIds: string[] } | null> {
    return this.pool.transaction(async (tx) => {
      const updated = await tx
        .update(users)
        .set({ passwordHash: change.newHash })
        .where(
          and(
            eq(users.id, change.userId),
            eq(users.passwordHash, change.expectedHash),
            isNull(users.deletedAt),
          ),
        )
        .returning({ id: users.id });
      if (updated.length === 0) return null;
      await tx.insert(passwordHistory).values({
        userId: change.userId,
        passwordHash: change.expectedHash,
        replacedAt: change.at,
      });
      // The users row is locked until commit: no concurrent change of this user's history.
      await tx.execute(sql`
        DELETE FROM password_history WHERE user_id = ${change.userId} AND ctid NOT IN (
          SELECT ctid FROM password_history WHERE user_id = ${change.userId}
          ORDER BY replaced_at DESC LIMIT ${change.historyDepth})`);
      const ended = await tx
        .update(sessions)
        .set({ revokedAt: change.at, revokedReason: 'password-changed' })
        .where(
          and(
            eq(sessions.userId, change.userId),
            isNull(sessions.revokedAt),
            ne(sessions.id, change.keepSessionId),
          ),
        )
        .returning({ id: sessions.id });
      return { endedSessionIds: ended.map((row) => row.id) };
    });
  }

  async anonymizeSentBatch(id: string, at: number, batchSize: number): Promise<number> {
    const rows = await this.pool.run((db) =>
      db
        .update(messages)
        .set({ senderId: null, isAnonymized: true })
        .where(
          sql`${messages.id} IN (SELECT id FROM ${messages} WHERE sender_id = ${id} LIMIT ${batchSize})`,
        )
        .returning({ id: messages.id }),
    );
    return rows.length;
  }

  async peersOf(id: string): Promise<UserRecord[]> {
    // On every presence subscription: a prepared statement.
    return this.pool.statement(
      (sql) => sql<UserRecord[]>`
        SELECT u.id, u.username, u.password_hash AS "passwordHash", u.created_at AS "createdAt",
               u.deleted_at AS "deletedAt", u.last_seen_at AS "lastSeenAt"
        FROM conversations c
        JOIN users u ON u.id = CASE WHEN c.user_low = ${id} THEN c.user_high ELSE c.user_low END
        WHERE c.user_low = ${id} OR c.user_high = ${id}`,
    );
  }
}
