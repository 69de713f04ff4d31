import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { SessionRecord } from '../records.js';
import type { SessionRepository } from '../store.js';
import type { PgPool } from './pg-pool.js';
import { sessions } from './schema.js';

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

/** Sessions decide who may act: every statement goes to the primary. */
export class PgSessionRepository implements SessionRepository {
  constructor(private readonly pool: PgPool) {}

  async create(session: {
    id: string;
    userId: string;
    refreshTokenHash: string;
    createdAt: number;
    userAgent: string | null;
    ip: string | null;
  }): Promise<void> {
    await this.pool.run((db) =>
      db.insert(sessions).values({ ...session, lastUsedAt: session.createdAt }),
    );
  }

  async findById(id: string): Promise<SessionRecord | null> {
    return this.findOne(eq(sessions.id, id));
  }

  async findByRefreshHash(hash: string): Promise<SessionRecord | null> {
    return this.findOne(eq(sessions.refreshTokenHash, hash));
  }

  async findByPreviousHash(hash: string): Promise<SessionRecord | null> {
    return this.findOne(eq(sessions.previousTokenHash, hash));
  }

  async rotate(
    id: string,
    expectedHash: string,
    next: { refreshTokenHash: string; rotatedAt: number },
  ): Promise<SessionRecord | null> {
    const rows = await this.pool.run((db) =>
      db
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
        .returning(sessionColumns),
    );
    return rows[0] ?? null;
  }

  async touch(id: string, at: number): Promise<void> {
    await this.pool.run((db) =>
      db.update(sessions).set({ lastUsedAt: at }).where(eq(sessions.id, id)),
    );
  }

  async listLive(userId: string): Promise<SessionRecord[]> {
    return this.pool.run((db) =>
      db
        .select(sessionColumns)
        .from(sessions)
        .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
        .orderBy(asc(sessions.createdAt)),
    );
  }

  async revoke(id: string, userId: string, at: number, reason: string): Promise<boolean> {
    const rows = await this.pool.run((db) =>
      db
        .update(sessions)
        .set({ revokedAt: at, revokedReason: reason })
        .where(and(eq(sessions.id, id), eq(sessions.userId, userId), isNull(sessions.revokedAt)))
        .returning({ id: sessions.id }),
    );
    return rows.length === 1;
  }

  async revokedSince(since: number): Promise<string[]> {
    const rows = await this.pool.run((db) =>
      db.select({ id: sessions.id }).from(sessions).where(gt(sessions.revokedAt, since)),
    );
    return rows.map((row) => row.id);
  }

  private async findOne(condition: ReturnType<typeof eq>): Promise<SessionRecord | null> {
    const rows = await this.pool.run((db) =>
      db.select(sessionColumns).from(sessions).where(condition),
    );
    return rows[0] ?? null;
  }
}
