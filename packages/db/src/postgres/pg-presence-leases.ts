import { and, eq, gt, inArray, lte, sql } from 'drizzle-orm';
import type { PresenceLeases } from '../store.js';
import type { PgPool } from './pg-pool.js';
import { presenceLeases } from './schema.js';

/** Leases in the shared database: every process sees who is online anywhere. */
export class PgPresenceLeases implements PresenceLeases {
  constructor(private readonly pool: PgPool) {}

  async hold(processId: string, userIds: string[], expiresAt: number): Promise<void> {
    if (userIds.length === 0) return;
    await this.pool.run((db) =>
      db
        .insert(presenceLeases)
        .values([...new Set(userIds)].sort().map((userId) => ({ processId, userId, expiresAt })))
        .onConflictDoUpdate({
          target: [presenceLeases.processId, presenceLeases.userId],
          set: { expiresAt: sql`excluded.expires_at` },
        }),
    );
  }

  async release(processId: string, userIds: string[]): Promise<void> {
    if (userIds.length === 0) return;
    await this.pool.run((db) =>
      db
        .delete(presenceLeases)
        .where(
          and(eq(presenceLeases.processId, processId), inArray(presenceLeases.userId, userIds)),
        ),
    );
  }

  async onlineAmong(userIds: string[], now: number): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const rows = await this.pool.run((db) =>
      db
        .selectDistinct({ userId: presenceLeases.userId })
        .from(presenceLeases)
        .where(and(inArray(presenceLeases.userId, userIds), gt(presenceLeases.expiresAt, now))),
    );
    return new Set(rows.map((row) => row.userId));
  }

  async sweepExpired(now: number): Promise<string[]> {
    const rows = await this.pool.run((db) =>
      db
        .delete(presenceLeases)
        .where(lte(presenceLeases.expiresAt, now))
        .returning({ userId: presenceLeases.userId }),
    );
    return [...new Set(rows.map((row) => row.userId))];
  }
}
