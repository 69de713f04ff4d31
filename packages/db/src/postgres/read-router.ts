import postgres from 'postgres';
import type { PgExecutor, PgPool } from './pg-pool.js';

type Replica = {
  pool: PgPool;
  /** Null until the first check, and while the replica cannot be reached. */
  lagMs: number | null;
  checking: boolean;
};

/**
 * Replication lag as the replica sees it. A replica that has replayed everything it received is
 * current, however long ago the last write was (now() − last replay would grow on an idle
 * primary). One that has not replayed any transaction yet but is still behind counts as
 * unknown (null): not used. A server that is not in recovery is a primary: no lag.
 */
const lagQuery = `
  SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() IS NOT NULL
         AND pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE (extract(epoch FROM now() - pg_last_xact_replay_timestamp()) * 1000)::float8
  END AS lag_ms`;

/**
 * Sends the reads that tolerate a little staleness (history, search, user search, the conversation
 * list) to a read replica that is up and within `maxLagMs`, in turn; to the primary when there is
 * none. Lag is checked in the background every `checkEveryMs`.
 */
export class ReadRouter {
  private readonly replicas: Replica[];
  private readonly timer: NodeJS.Timeout | null;
  private next = 0;

  constructor(
    private readonly primary: PgPool,
    replicaPools: PgPool[],
    private readonly maxLagMs: number,
    checkEveryMs = 1000,
  ) {
    this.replicas = replicaPools.map((pool) => ({ pool, lagMs: null, checking: false }));
    this.timer =
      this.replicas.length === 0 ? null : setInterval(() => this.checkAll(), checkEveryMs);
    this.timer?.unref();
  }

  /**
   * Resolves once every replica has been checked once (so the first reads can use them), or after
   * `timeoutMs`, whichever comes first.
   */
  async ready(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(this.replicas.map((replica) => this.check(replica))),
      new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
  }

  async run<T>(work: (db: PgExecutor) => Promise<T>): Promise<T> {
    const replica = this.pick();
    if (!replica) return this.primary.run(work);
    try {
      return await replica.pool.run(work);
    } catch (error) {
      if (error instanceof postgres.PostgresError) throw error;
      // The replica went away since its last check: stop using it and read on the primary.
      replica.lagMs = null;
      return this.primary.run(work);
    }
  }

  configured(): number {
    return this.replicas.length;
  }

  usable(): number {
    return this.replicas.filter((replica) => this.isUsable(replica)).length;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private pick(): Replica | null {
    for (let tried = 0; tried < this.replicas.length; tried += 1) {
      const replica = this.replicas[this.next];
      this.next = (this.next + 1) % this.replicas.length;
      if (replica && this.isUsable(replica)) return replica;
    }
    return null;
  }

  private isUsable(replica: Replica): boolean {
    return replica.lagMs !== null && replica.lagMs <= this.maxLagMs;
  }

  private checkAll(): void {
    for (const replica of this.replicas) void this.check(replica);
  }

  private async check(replica: Replica): Promise<void> {
    if (replica.checking) return;
    replica.checking = true;
    try {
      const [row] = await replica.pool.sql.unsafe<Array<{ lag_ms: number | null }>>(lagQuery);
      replica.lagMs = row?.lag_ms ?? null;
    } catch {
      replica.lagMs = null;
    } finally {
      replica.checking = false;
    }
  }
}
