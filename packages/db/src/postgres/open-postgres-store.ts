import { randomUUID } from 'node:crypto';
import { CounterRateLimiter } from '../counter-rate-limiter.js';
import type { RateLimiterOptions, Store } from '../store.js';
import { migratePostgres } from './migrate-postgres.js';
import { PgConversationRepository } from './pg-conversation-repository.js';
import { PgEventRepository } from './pg-event-repository.js';
import { PgFileRepository } from './pg-file-repository.js';
import { PgMessageRepository } from './pg-message-repository.js';
import { PgNotifier } from './pg-notifier.js';
import { createSql, PgPool } from './pg-pool.js';
import { PgPresenceLeases } from './pg-presence-leases.js';
import { PgRateLimitCounters } from './pg-rate-limit-counters.js';
import { PgSessionRepository } from './pg-session-repository.js';
import { PgUserRepository } from './pg-user-repository.js';
import { ReadRouter } from './read-router.js';

export type PostgresStoreOptions = {
  /** postgres://user:password@host:port/database of the primary. */
  url: string;
  /**
   * Connections of the primary's pool (and of each replica's).
   * @default 10
   */
  poolSize?: number;
  /** Read replicas for the reads that tolerate a little staleness. */
  readUrls?: string[];
  /**
   * A replica further behind than this is not read from.
   * @default 1000
   */
  readMaxLagMs?: number;
  /** Names this process in notifications and presence leases. @default a random UUID */
  processId?: string;
  /** Problems of background work (notifications), which has no caller to throw to. */
  onBackgroundError?: (message: string) => void;
};

const pingTimeoutMs = 2000;
const replicaFirstCheckMs = 1000;

/**
 * Opens the PostgreSQL store: the primary's pool, migrated (safe when several processes start at
 * once), one listening connection for notifications, and a pool per read replica.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const processId = options.processId ?? randomUUID();
  const poolSize = options.poolSize ?? 10;
  const instance = randomUUID().slice(0, 8);
  const primary = new PgPool({
    url: options.url,
    max: poolSize,
    applicationName: `parley-${instance}`,
  });
  const replicas = (options.readUrls ?? []).map(
    (url, index) =>
      new PgPool({ url, max: poolSize, applicationName: `parley-${instance}-replica-${index}` }),
  );
  const listener = createSql({
    url: options.url,
    max: 1,
    applicationName: `parley-${instance}-listen`,
  });
  const reads = new ReadRouter(primary, replicas, options.readMaxLagMs ?? 1000);
  const notifier = new PgNotifier({
    pool: primary.sql,
    listener,
    processId,
    ...(options.onBackgroundError ? { onBackgroundError: options.onBackgroundError } : {}),
  });
  const close = async () => {
    reads.stop();
    await notifier.close();
    await Promise.all([
      primary.end(),
      listener.end({ timeout: 5 }),
      ...replicas.map((replica) => replica.end()),
    ]);
  };

  try {
    await migratePostgres(primary, options.url);
    // A replica that is slow to answer does not hold up the start: reads use the primary meanwhile.
    await Promise.all([notifier.start(), reads.ready(replicaFirstCheckMs)]);
  } catch (error) {
    await close();
    throw error;
  }

  const rateLimitCounters = new PgRateLimitCounters(primary);
  return {
    dialect: 'postgres',
    users: new PgUserRepository(primary, reads),
    sessions: new PgSessionRepository(primary),
    conversations: new PgConversationRepository(primary, reads),
    messages: new PgMessageRepository(primary, reads),
    events: new PgEventRepository(primary),
    notifier,
    presenceLeases: new PgPresenceLeases(primary),
    files: new PgFileRepository(primary),
    createRateLimiter(limiter: RateLimiterOptions) {
      return new CounterRateLimiter(limiter, rateLimitCounters);
    },
    async sizeBytes() {
      const [row] = await primary.run(
        () => primary.sql<Array<{ size: number }>>`
          SELECT pg_database_size(current_database()) AS size`,
      );
      return row?.size ?? 0;
    },
    ping: () => primary.ping(pingTimeoutMs),
    stats() {
      const load = primary.load();
      return {
        poolMax: primary.max,
        poolOpen: primary.connectionsOpen(),
        queriesInFlight: load.running,
        queriesWaiting: load.waiting,
        notificationLagMs: notifier.lagMs(),
        replicasConfigured: reads.configured(),
        replicasUsable: reads.usable(),
      };
    },
    close,
  };
}
