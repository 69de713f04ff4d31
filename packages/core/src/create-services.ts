import { randomUUID } from 'node:crypto';
import type { Store } from '@parley/db';
import { AccountDeletion } from './account-deletion.js';
import { AccountService } from './account-service.js';
import { Authenticator } from './authenticator.js';
import type { CoreConfig } from './core-config.js';
import { ConversationService } from './conversation-service.js';
import { noTelemetry, type DeliveryTelemetry } from './delivery-telemetry.js';
import { EventStream } from './event-stream.js';
import { FileService } from './file-service.js';
import { LoadGauge } from './load-gauge.js';
import { LiveEventFeed } from './live-event-feed.js';
import type { Logger } from './logger.js';
import { MessageService } from './message-service.js';
import { PasswordChange } from './password-change.js';
import { PasswordHasher } from './password-hasher.js';
import { PresenceStream } from './presence-stream.js';
import { PresenceTracker } from './presence-tracker.js';
import { RateLimits } from './rate-limits.js';
import { RevocationList } from './revocation-list.js';
import { SearchService } from './search-service.js';
import { SentStatusRecorder } from './sent-status-recorder.js';
import { SettingsService } from './settings-service.js';
import { StorageFailureLog } from './storage-failure-log.js';
import { TokenService } from './token-service.js';
import { TypingService } from './typing-service.js';
import { UserService } from './user-service.js';

export type ServicesDeps = {
  store: Store;
  config: CoreConfig;
  log: Logger;
  telemetry?: DeliveryTelemetry;
  /** This process's name among those sharing the database (the store's, too). @default a random UUID */
  processId?: string;
  /** Whether the event loop is saturated (redelivery waits while it is). @default a LoadGauge */
  load?: Pick<LoadGauge, 'isSaturated'>;
  /** The clock of file uploads and their cleanup (tests move it forward). @default Date.now */
  now?: () => number;
};

export type Services = {
  /** This server process among those sharing the database (a random id, new at every start). */
  processId: string;
  accounts: AccountService;
  accountDeletion: AccountDeletion;
  passwordChange: PasswordChange;
  settings: SettingsService;
  typing: TypingService;
  authenticator: Authenticator;
  revocations: RevocationList;
  rateLimits: RateLimits;
  users: UserService;
  conversations: ConversationService;
  messages: MessageService;
  search: SearchService;
  files: FileService;
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
  const processId = deps.processId ?? randomUUID();
  const revocations = new RevocationList(
    accessTokenLifetimeMs + 60_000,
    store.notifier,
    store.sessions,
    log,
  );
  const storageFailures = new StorageFailureLog(log);
  const rateLimits = new RateLimits(store, config, storageFailures);
  const feed = new LiveEventFeed(store.notifier);
  const sentMarks = new SentStatusRecorder(store, feed, log);
  const presence = new PresenceTracker(store, log, processId, {
    leaseMs: config.presenceLeaseMs,
    heartbeatMs: config.presenceHeartbeatMs,
  });
  const settings = new SettingsService(store);
  const conversations = new ConversationService(store, feed, presence, log, settings);
  const typing = new TypingService(store.notifier, conversations, settings, config.typingExpiryMs);
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
  const files = new FileService(
    store,
    rateLimits,
    {
      maxFileBytes: config.maxFileBytes,
      maxUserStorageBytes: config.maxUserStorageBytes,
      unsentUploadTtlMs: config.unsentUploadTtlMs,
      cleanupIntervalMs: config.fileCleanupIntervalMs,
    },
    log,
    deps.now,
  );
  return {
    processId,
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
    passwordChange: new PasswordChange(
      store,
      accounts,
      hasher,
      tokens,
      rateLimits,
      revocations,
      telemetry,
      log,
    ),
    settings,
    typing,
    authenticator: new Authenticator(tokens, revocations),
    revocations,
    rateLimits,
    users: new UserService(store, presence),
    conversations,
    messages: new MessageService(
      store,
      feed,
      conversations,
      telemetry,
      log,
      storageFailures,
      typing,
      config.editWindowSeconds * 1000,
    ),
    search: new SearchService(store, conversations),
    files,
    events: new EventStream(
      store,
      conversations,
      config,
      feed,
      log,
      deps.load ?? new LoadGauge(),
      sentMarks,
    ),
    presence,
    presenceStream: new PresenceStream(store, presence, conversations, typing),
    storageFailures,
    async start() {
      await revocations.start();
      presence.start();
      files.start();
      await hasher.warmUp();
    },
    async close() {
      sentMarks.close();
      revocations.close();
      typing.close();
      feed.close();
      await files.close();
      const now = Date.now();
      await Promise.all(
        presence.onlineUsers().map((userId) => store.users.setLastSeen(userId, now)),
      );
      await presence.close();
      await hasher.close();
    },
  };
}
