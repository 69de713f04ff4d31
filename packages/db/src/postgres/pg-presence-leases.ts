import type { PresenceLeases } from '../store.js';
import type { PgPool } from './pg-pool.js';

/**
 * Leases in the shared database: every process sees who is online anywhere. Each call is one
 * prepared statement, whatever the number of users (arrays, not a list of parameters).
 */
export class PgPresenceLeases implements PresenceLeases {
  constructor(private readonly pool: PgPool) {}

  async hold(processId: string, userIds: string[], expiresAt: number): Promise<void> {
    if (userIds.length === 0) return;
    // Sorted, so that two processes renewing overlapping users lock their rows in one order.
    const sorted = [...new Set(userIds)].sort();
    await this.pool.statement(
      (sql) => sql`
        INSERT INTO presence_leases (process_id, user_id, expires_at)
        SELECT ${processId}, user_id, ${expiresAt}::int8 FROM unnest(${sorted}::text[]) AS user_id
        ON CONFLICT (process_id, user_id) DO UPDATE SET expires_at = excluded.expires_at`,
    );
  }

  async release(processId: string, userIds: string[]): Promise<void> {
    if (userIds.length === 0) return;
    await this.pool.statement(
      (sql) => sql`
        DELETE FROM presence_leases
        WHERE process_id = ${processId} AND user_id = ANY(${userIds}::text[])`,
    );
  }

  async onlineAmong(userIds: string[], now: number): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const rows = await this.pool.statement(
      (sql) => sql<Array<{ userId: string }>>`
        SELECT DISTINCT user_id AS "userId" FROM presence_leases
        WHERE user_id = ANY(${userIds}::text[]) AND expires_at > ${now}::int8`,
    );
    return new Set(rows.map((row) => row.userId));
  }

  async sweepExpired(now: number): Promise<string[]> {
    const rows = await this.pool.statement(
      (sql) => sql<Array<{ userId: string }>>`
        DELETE FROM presence_leases WHERE expires_at <= ${now}::int8
        RETURNING user_id AS "userId"`,
    );
    return [...new Set(rows.map((row) => row.userId))];
  }
}
