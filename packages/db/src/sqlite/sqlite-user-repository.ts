import { and, asc, eq, gte, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { UserRecord } from '../records.js';
import type { UserRepository } from '../store.js';
import { conversations, users } from './schema.js';
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

  constructor(private readonly db: SqliteDatabase) {
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
