import { and, asc, desc, eq, gte, inArray, isNull, lt, ne, notInArray, or, sql } from 'drizzle-orm';
import { DELETED_USER_NAME } from '@parley/protocol';
import type { SettingsRecord, UserRecord } from '../records.js';
import type { AccountDeletion, UserRepository } from '../store.js';
import type { EventAppender } from './append-events.js';
import { messageColumns, toMessageRecord } from './message-columns.js';
import { conversations, messages, passwordHistory, sessions, users } from './schema.js';
import { statusEvent } from '../status-event.js';
import type { SqliteDatabase } from './sqlite-database.js';

const userColumns = {
  id: users.id,
  username: users.username,
  passwordHash: users.passwordHash,
  createdAt: users.createdAt,
  deletedAt: users.deletedAt,
  lastSeenAt: users.lastSeenAt,
};

/** Usernames are ASCII, so every key with a given prefix sorts below prefix + DEL. */
const prefixUpperBound = (prefix: string): string => `${prefix}\x7f`;

export class SqliteUserRepository implements UserRepository {
  private readonly byId;
  private readonly byUsernameKey;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly appender: EventAppender,
  ) {
    this.byId = db
      .select(userColumns)
      .from(users)
      .where(eq(users.id, sql.placeholder('id')))
      .prepare();
    this.byUsernameKey = db
      .select(userColumns)
      .from(users)
      .where(and(eq(users.usernameKey, sql.placeholder('key')), isNull(users.deletedAt)))
      .prepare();
  }

  async create(user: { id: string; username: string; passwordHash: string; createdAt: number }) {
    const result = this.db
      .insert(users)
      .values({ ...user, usernameKey: user.username.toLowerCase() })
      .onConflictDoNothing()
      .run();
    return Promise.resolve(result.changes === 1);
  }

  async findById(id: string): Promise<UserRecord | null> {
    return Promise.resolve(this.byId.get({ id }) ?? null);
  }

  async findLiveByUsername(username: string): Promise<UserRecord | null> {
    return Promise.resolve(this.byUsernameKey.get({ key: username.toLowerCase() }) ?? null);
  }

  async searchByPrefix(prefix: string, excludeId: string, limit: number): Promise<UserRecord[]> {
    const rows = this.db
      .select(userColumns)
      .from(users)
      .where(
        and(
          // A range on the index instead of LIKE: no wildcards to escape, and the index is used.
          gte(users.usernameKey, prefix.toLowerCase()),
          lt(users.usernameKey, prefixUpperBound(prefix.toLowerCase())),
          isNull(users.deletedAt),
          ne(users.id, excludeId),
        ),
      )
      .orderBy(asc(users.usernameKey))
      .limit(limit)
      .all();
    return Promise.resolve(rows);
  }

  async setLastSeen(id: string, at: number): Promise<void> {
    this.db.update(users).set({ lastSeenAt: at }).where(eq(users.id, id)).run();
    return Promise.resolve();
  }

  async deleteAccount(id: string, at: number): Promise<AccountDeletion | null> {
    return Promise.resolve(
      this.db.transaction((tx): AccountDeletion | null => {
        const deleted = tx
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
          .run();
        if (deleted.changes === 0) return null;
        tx.delete(passwordHistory).where(eq(passwordHistory.userId, id)).run();

        const endedSessionIds = tx
          .update(sessions)
          .set({ revokedAt: at, revokedReason: 'account-deleted' })
          .where(and(eq(sessions.userId, id), isNull(sessions.revokedAt)))
          .returning({ id: sessions.id })
          .all()
          .map((row) => row.id);

        const failedIds = tx
          .update(messages)
          .set({ status: 'failed' })
          .where(and(eq(messages.recipientId, id), sql`${messages.status} IN ('pending', 'sent')`))
          .returning({ id: messages.id })
          .all()
          .map((row) => row.id);
        const failed = tx
          .select(messageColumns)
          .from(messages)
          .leftJoin(users, eq(users.id, messages.senderId))
          .where(inArray(messages.id, failedIds))
          .all()
          .map((row) => {
            const message = toMessageRecord(row);
            return {
              message,
              appended: this.appender.append(statusEvent(message, 'failed', at), at),
            };
          });

        const conversationsWithPeers = tx
          .select({
            id: conversations.id,
            low: conversations.userLow,
            high: conversations.userHigh,
          })
          .from(conversations)
          .where(or(eq(conversations.userLow, id), eq(conversations.userHigh, id)))
          .all();
        const appended = this.appender.append(
          conversationsWithPeers.map((conversation) => ({
            userId: conversation.low === id ? conversation.high : conversation.low,
            type: 'peer-deleted' as const,
            conversationId: conversation.id,
          })),
          at,
        );
        return { endedSessionIds, failed, appended };
      }),
    );
  }

  async anonymizeSentBatch(id: string, at: number, batchSize: number): Promise<number> {
    const result = this.db
      .update(messages)
      .set({ senderId: null, isAnonymized: true })
      .where(
        inArray(
          messages.id,
          this.db
            .select({ id: messages.id })
            .from(messages)
            .where(eq(messages.senderId, id))
            .limit(batchSize),
        ),
      )
      .run();
    return Promise.resolve(result.changes);
  }

  async settings(id: string): Promise<SettingsRecord | null> {
    const row = this.db
      .select({ readReceipts: users.readReceipts, typingIndicators: users.typingIndicators })
      .from(users)
      .where(eq(users.id, id))
      .get();
    return Promise.resolve(row ?? null);
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
    if (Object.keys(set).length > 0) this.db.update(users).set(set).where(eq(users.id, id)).run();
    return this.settings(id);
  }

  async passwordHistory(id: string, limit: number): Promise<string[]> {
    const rows = this.db
      .select({ hash: passwordHistory.passwordHash })
      .from(passwordHistory)
      .where(eq(passwordHistory.userId, id))
      .orderBy(desc(passwordHistory.replacedAt), desc(sql`rowid`))
      .limit(limit)
      .all();
    return Promise.resolve(rows.map((row) => row.hash));
  }

  async changePassword(change: {
    userId: string;
    expectedHash: string;
    newHash: string;
    at: number;
    historyDepth: number;
    keepSessionId: string;
  }): Promise<{ endedSessionIds: string[] } | null> {
    return Promise.resolve(
      this.db.transaction((tx) => {
        const updated = tx
          .update(users)
          .set({ passwordHash: change.newHash })
          .where(
            and(
              eq(users.id, change.userId),
              eq(users.passwordHash, change.expectedHash),
              isNull(users.deletedAt),
            ),
          )
          .run();
        if (updated.changes === 0) return null;
        tx.insert(passwordHistory)
          .values({
            userId: change.userId,
            passwordHash: change.expectedHash,
            replacedAt: change.at,
          })
          .run();
        const kept = tx
          .select({ rowid: sql<number>`rowid` })
          .from(passwordHistory)
          .where(eq(passwordHistory.userId, change.userId))
          .orderBy(desc(passwordHistory.replacedAt), desc(sql`rowid`))
          .limit(change.historyDepth)
          .all()
          .map((row) => row.rowid);
        tx.delete(passwordHistory)
          .where(and(eq(passwordHistory.userId, change.userId), notInArray(sql`rowid`, kept)))
          .run();
        const endedSessionIds = tx
          .update(sessions)
          .set({ revokedAt: change.at, revokedReason: 'password-changed' })
          .where(
            and(
              eq(sessions.userId, change.userId),
              isNull(sessions.revokedAt),
              ne(sessions.id, change.keepSessionId),
            ),
          )
          .returning({ id: sessions.id })
          .all()
          .map((row) => row.id);
        return { endedSessionIds };
      }),
    );
  }

  async peersOf(id: string): Promise<UserRecord[]> {
    const peerId = sql<string>`CASE WHEN ${conversations.userLow} = ${id} THEN ${conversations.userHigh} ELSE ${conversations.userLow} END`;
    const rows = this.db
      .select(userColumns)
      .from(conversations)
      .innerJoin(users, eq(users.id, peerId))
      .where(or(eq(conversations.userLow, id), eq(conversations.userHigh, id)))
      .all();
    return Promise.resolve(rows);
  }
}
