import type { Store } from '@parley/db';
import { AccountDeletion } from './account-deletion.js';
import { AccountService } from './account-service.js';
import { Authenticator } from './authenticator.js';
import type { CoreConfig } from './core-config.js';
import { ConversationService } from './conversation-service.js';
import { noTelemetry, type DeliveryTelemetry } from './delivery-telemetry.js';
import { EventStream } from './event-stream.js';
import { LiveEventFeed } from './live-event-feed.js';
import type { Logger } from './logger.js';
import { MessageService } from './message-service.js';
import { PasswordHasher } from './password-hasher.js';
import { PresenceStream } from './presence-stream.js';
import { PresenceTracker } from './presence-tracker.js';
import { RateLimits } from './rate-limits.js';
import { RevocationList } from './revocation-list.js';
import { SearchService } from './search-service.js';
import { StorageFailureLog } from './storage-failure-log.js';
import { TokenService } from './token-service.js';
import { UserService } from './user-service.js';

export type ServicesDeps = {
  store: Store;
  config: CoreConfig;
  log: Logger;
  telemetry?: DeliveryTelemetry;
};

export type Services = {
  accounts: AccountService;
  accountDeletion: AccountDeletion;
  authenticator: Authenticator;
  revocations: RevocationList;
  rateLimits: RateLimits;
  users: UserService;
  conversations: ConversationService;
  messages: MessageService;
  search: SearchService;
  events: EventStream;
  presence: PresenceTracker;
  presenceStream: PresenceStream;
  /** Failed database writes, logged at most once a minute. */
  storageFailures: StorageFailureLog;
  /** Loads what must be in memory before serving (revoked sessions, the login dummy hash). */
  start(): Promise<void>;
  close(): Promise<void>;
};

/** Wires the domain services around one store. */
export function createServices(deps: ServicesDeps): Services {
  const { store, config, log } = deps;
  const telemetry = deps.telemetry ?? noTelemetry;
  const hasher = new PasswordHasher(config.bcryptCost);
  const tokens = new TokenService(config);
  const accessTokenLifetimeMs = config.accessTokenTtlSeconds * 1000;
  const revocations = new RevocationList(accessTokenLifetimeMs + 60_000);
  const storageFailures = new StorageFailureLog(log);
  const rateLimits = new RateLimits(store, config, storageFailures);
  const feed = new LiveEventFeed(store.notifier);
  const presence = new PresenceTracker(store, log);
  const conversations = new ConversationService(store, feed, presence, log);
  const accounts = new AccountService(
    store,
    config,
    hasher,
    tokens,
    rateLimits,
    revocations,
    log,
    telemetry,
  );
  let pruneTimer: NodeJS.Timeout | undefined;

  return {
    accounts,
    accountDeletion: new AccountDeletion(
      store,
      feed,
      hasher,
      rateLimits,
      revocations,
      telemetry,
      log,
    ),
    authenticator: new Authenticator(tokens, revocations),
    revocations,
    rateLimits,
    users: new UserService(store, presence),
    conversations,
    messages: new MessageService(store, feed, conversations, telemetry, log, storageFailures),
    search: new SearchService(store, conversations),
    events: new EventStream(store, conversations, config, feed, log),
    presence,
    presenceStream: new PresenceStream(store, presence, conversations),
    storageFailures,
    async start() {
      const since = Date.now() - accessTokenLifetimeMs - 60_000;
      for (const sessionId of await store.sessions.revokedSince(since)) revocations.add(sessionId);
      pruneTimer = setInterval(() => revocations.prune(), 60_000);
      pruneTimer.unref();
      await hasher.warmUp();
    },
    async close() {
      clearInterval(pruneTimer);
      const now = Date.now();
      await Promise.all(
        presence.onlineUsers().map((userId) => store.users.setLastSeen(userId, now)),
      );
      await hasher.close();
    },
  };
}
