import { randomBytes } from 'node:crypto';
import { Child } from './child-process.js';
import type { ServerEndpoint } from './parley-load.js';
import { databaseNameOf } from './postgres-process.js';

type TemporaryDatabase = { url: string; drop(): Promise<void> };

/**
 * The Parley server processes one part of the bench runs against: one process on its own SQLite
 * file, or N processes on a fresh PostgreSQL database created from `postgresBaseUrl` and dropped
 * by `stop()`.
 */
export class ServerGroup {
  private constructor(
    readonly children: Child[],
    private readonly database: TemporaryDatabase | null,
  ) {}

  static async start(
    script: URL,
    execArgv: string[],
    options: { processes: number; postgresBaseUrl: string | null },
  ): Promise<ServerGroup> {
    let database: TemporaryDatabase | null = null;
    if (options.postgresBaseUrl !== null) {
      // Loaded only for PostgreSQL runs: it brings the database driver.
      const { createTemporaryPostgresDatabase } = await import('@parley/db/testing');
      database = await createTemporaryPostgresDatabase(options.postgresBaseUrl);
    }
    // Processes on one database must accept each other's tokens: one secret for all.
    const env: Record<string, string> = database
      ? {
          PARLEY_BENCH_CHILD_DATABASE_URL: database.url,
          PARLEY_BENCH_CHILD_JWT_SECRET: randomBytes(32).toString('base64'),
        }
      : {};
    const children: Child[] = [];
    try {
      // One after the other: the first prepares the database's schema.
      for (let i = 0; i < options.processes; i += 1) {
        children.push(await Child.start(script, execArgv, env));
      }
    } catch (error) {
      await Promise.all(children.map((child) => child.stop(3000)));
      await database?.drop();
      throw error;
    }
    return new ServerGroup(children, database);
  }

  /** The PostgreSQL database's name (its backends' CPU is the bench's), null on SQLite. */
  get databaseName(): string | null {
    return this.database ? databaseNameOf(this.database.url) : null;
  }

  get first(): Child {
    return this.children[0]!;
  }

  endpoints(): ServerEndpoint[] {
    return this.children.map((child) => ({
      httpUrl: `http://127.0.0.1:${child.port}`,
      wsUrl: `ws://127.0.0.1:${child.port}/trpc`,
    }));
  }

  async stop(graceMs: number): Promise<void> {
    await Promise.all(this.children.map((child) => child.stop(graceMs)));
    await this.database?.drop();
  }
}
