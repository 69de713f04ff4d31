import { drizzle, type PostgresJsQueryResultHKT } from 'drizzle-orm/postgres-js';
import type { PgDatabase } from 'drizzle-orm/pg-core';
import postgres, { type Sql } from 'postgres';
import * as schema from './schema.js';

/** The drizzle database or a transaction on it: repositories run the same code in both. */
export type PgExecutor = PgDatabase<PostgresJsQueryResultHKT, typeof schema>;

export type PgPoolOptions = {
  url: string;
  max: number;
  /** Names the pool's connections in pg_stat_activity (how `openConnections` counts them). */
  applicationName: string;
  /** @default 10 */
  connectTimeoutSeconds?: number;
};

/** SQLSTATEs after which a transaction can simply run again: a deadlock victim, a serialization failure. */
const retryable = new Set(['40P01', '40001']);
const isRetryable = (error: unknown): boolean =>
  error instanceof postgres.PostgresError && retryable.has(error.code);

/** Opens a postgres.js pool with the settings every Parley connection needs. */
export function createSql(options: PgPoolOptions): Sql {
  return postgres(options.url, {
    max: options.max,
    connect_timeout: options.connectTimeoutSeconds ?? 10,
    // CREATE … IF NOT EXISTS and empty text-search queries raise notices: not worth a log line.
    onnotice: () => undefined,
    connection: { application_name: options.applicationName },
    // bigint columns hold epoch milliseconds, ids and counts, all far below 2^53.
    types: {
      int8: {
        to: 20,
        from: [20],
        serialize: (value: number) => String(value),
        parse: (value: string) => Number(value),
      },
    },
  });
}

/**
 * A postgres.js pool with drizzle on top. Every repository call runs through `run` or
 * `transaction`, which count the operations under way (postgres.js has no counters of its own).
 */
export class PgPool {
  readonly sql: Sql;
  readonly db: PgExecutor;
  readonly max: number;
  private active = 0;
  private openConnections = 0;
  private openConnectionsCheckedAt = 0;

  constructor(private readonly options: PgPoolOptions) {
    this.max = options.max;
    this.sql = createSql(options);
    this.db = drizzle({ client: this.sql, schema });
  }

  async run<T>(work: (db: PgExecutor) => Promise<T>): Promise<T> {
    this.active += 1;
    try {
      return await work(this.db);
    } finally {
      this.active -= 1;
    }
  }

  /** One transaction; run again (up to 3 times) when PostgreSQL chose it as a deadlock victim. */
  async transaction<T>(work: (tx: PgExecutor) => Promise<T>): Promise<T> {
    return this.retrying(() => this.run((db) => db.transaction(work)));
  }

  /**
   * One statement written with postgres.js's tagged template, which prepares it once per
   * connection (drizzle's builders send every statement unprepared: parsed and planned each time).
   * A single statement is its own transaction: one round trip, no BEGIN/COMMIT. Run again (up to 3
   * times) when PostgreSQL chose it as a deadlock victim.
   */
  async statement<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    return this.retrying(async () => {
      this.active += 1;
      try {
        return await work(this.sql);
      } finally {
        this.active -= 1;
      }
    });
  }

  private async retrying<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await work();
      } catch (error) {
        if (attempt >= 3 || !isRetryable(error)) throw error;
      }
    }
  }

  /** Operations running now (at most one per connection) and those waiting for a connection. */
  load(): { running: number; waiting: number } {
    return {
      running: Math.min(this.active, this.max),
      waiting: Math.max(0, this.active - this.max),
    };
  }

  /**
   * Connections of this pool open now, as the server counts them: refreshed in the background at
   * most once a second, so reading it never waits.
   */
  connectionsOpen(): number {
    const now = Date.now();
    if (now - this.openConnectionsCheckedAt >= 1000) {
      this.openConnectionsCheckedAt = now;
      this.sql<Array<{ open: number }>>`
        SELECT count(*)::int AS open FROM pg_stat_activity
        WHERE application_name = ${this.options.applicationName}`.then(
        (rows) => {
          this.openConnections = rows[0]?.open ?? 0;
        },
        () => {
          this.openConnections = 0;
        },
      );
    }
    return this.openConnections;
  }

  /** `SELECT 1`, rejected after `timeoutMs` when the server does not answer. */
  async ping(timeoutMs: number): Promise<void> {
    const query = this.sql`SELECT 1`;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        query.cancel();
        reject(new Error(`the database did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
    });
    try {
      await Promise.race([query.execute(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async end(): Promise<void> {
    await this.sql.end({ timeout: 5 });
  }
}
