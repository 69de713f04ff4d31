import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { SessionRecord } from '../records.js';
import type { SessionRepository } from '../store.js';
import { sessions } from './schema.js';
import type { SqliteDatabase } from './sqlite-database.js';

const sessionColumns = {
  id: sessions.id,
  userId: sessions.userId,
  refreshTokenHash: sessions.refreshTokenHash,
  previousTokenHash: sessions.previousTokenHash,
  rotatedAt: sessions.rotatedAt,
  generation: sessions.generation,
  createdAt: sessions.createdAt,
  lastUsedAt: sessions.lastUsedAt,
  userAgent: sessions.userAgent,
  ip: sessions.ip,
  revokedAt: sessions.revokedAt,
};

export class SqliteSessionRepository implements SessionRepository {
  constructor(private readonly db: SqliteDatabase) {}

  async create(session: {
    id: string;
    userId: string;
    refreshTokenHash: string;
    createdAt: number;
    userAgent: string | null;
    ip: string | null;
  }): Promise<void> {
    this.db
      .insert(sessions)
      .values({ ...session, lastUsedAt: session.createdAt })
      .run();
    return Promise.resolve();
  }

  async findById(id: string): Promise<SessionRecord | null> {
    return Promise.resolve(
      this.db.select(sessionColumns).from(sessions).where(eq(sessions.id, id)).get() ?? null,
    );
  }

  async findByRefreshHash(hash: string): Promise<SessionRecord | null> {
    return Promise.resolve(
      this.db
        .select(sessionColumns)
        .from(sessions)
        .where(eq(sessions.refreshTokenHash, hash))
        .get() ?? null,
    );
  }

  async findByPreviousHash(hash: string): Promise<SessionRecord | null> {
    return Promise.resolve(
      this.db
        .select(sessionColumns)
        .from(sessions)
        .where(eq(sessions.previousTokenHash, hash))
        .get() ?? null,
    );
  }

  async rotate(
    id: string,
    expectedHash: string,
    next: { refreshTokenHash: string; rotatedAt: number },
  ): Promise<SessionRecord | null> {
    const row = this.db
      .update(sessions)
      .set({
        previousTokenHash: expectedHash,
        refreshTokenHash: next.refreshTokenHash,
        rotatedAt: next.rotatedAt,
        lastUsedAt: next.rotatedAt,
        generation: sql`${sessions.generation} + 1`,
      })
      .where(
        and(
          eq(sessions.id, id),
          eq(sessions.refreshTokenHash, expectedHash),
          isNull(sessions.revokedAt),
        ),
      )
      .returning(sessionColumns)
      .get();
    return Promise.resolve(row ?? null);
  }

  async touch(id: string, at: number): Promise<void> {
    this.db.update(sessions).set({ lastUsedAt: at }).where(eq(sessions.id, id)).run();
    return Promise.resolve();
  }

  async listLive(userId: string): Promise<SessionRecord[]> {
    return Promise.resolve(
      this.db
        .select(sessionColumns)
        .from(sessions)
        .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
        .orderBy(asc(sessions.createdAt))
        .all(),
    );
  }

  async revoke(id: string, userId: string, at: number, reason: string): Promise<boolean> {
    const result = this.db
      .update(sessions)
      .set({ revokedAt: at, revokedReason: reason })
      .where(and(eq(sessions.id, id), eq(sessions.userId, userId), isNull(sessions.revokedAt)))
      .run();
    return Promise.resolve(result.changes === 1);
  }

  async revokedSince(since: number): Promise<string[]> {
    const rows = this.db
      .select({ id: sessions.id })
      .from(sessions)
      .where(gt(sessions.revokedAt, since))
      .all();
    return Promise.resolve(rows.map((row) => row.id));
  }
}
