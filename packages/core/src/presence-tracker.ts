import { EventEmitter } from 'node:events';
import type { Store } from '@parley/db';
import type { PeerPresence } from '@parley/protocol';
import type { Logger } from './logger.js';

/** Notifier topic: the id of a user whose presence may have changed somewhere. */
const PRESENCE_TOPIC = 'presence';
/** Users per lease lookup, so that a resync over many users stays a handful of short queries. */
const LOOKUP_BATCH = 1000;

export type PresenceTimings = {
  /** How long a lease lasts without renewal: a crashed process's users stop counting after this. */
  leaseMs: number;
  /** How often this process renews its leases and sweeps expired ones. */
  heartbeatMs: number;
};

type Deferred = { promise: Promise<void>; resolve: () => void };

const deferred = (): Deferred => {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
};

/**
 * A user is online while at least one of their authenticated WebSocket connections is open, in
 * any server process sharing the database.
 *
 * This process holds a lease (`store.presenceLeases`) on each user it has a connection of,
 * renewed by a heartbeat, and announces on the notifier every lease it takes or gives up. Every
 * process answers such an announcement by reading which of those users still have a lease
 * anywhere, and tells its listeners when a user's global state changed. A process that dies
 * stops renewing: its leases expire and the next sweep (any process's heartbeat) announces them.
 *
 * `isOnline`/`presenceOf` answer from memory. The memory follows every user announced since this
 * process started and every user it was asked about through `track()` (one lease lookup for
 * those not followed yet): announcements keep all of them current, so the set only grows with
 * the users this process has seen or shown, at a few dozen bytes each. A user online elsewhere
 * since before this process started is unknown until tracked, which is why the services that
 * show presence call `track()` first.
 *
 * With one process (SQLite) every lease is this process's own, the notifier delivers at once,
 * and the first connection announces online, the last offline, within the same turn of I/O.
 */
export class PresenceTracker {
  private readonly localConnections = new Map<string, number>();
  /** Users this process holds a lease on (stored). */
  private readonly held = new Set<string>();
  /** Users whose global state this process follows, and those of them online. */
  private readonly followed = new Set<string>();
  private readonly online = new Set<string>();
  private readonly lastSeen = new Map<string, number>();
  private readonly changes = new EventEmitter();
  private readonly stopListening: Array<() => void>;

  /** Lease changes to store, taken by one writer at a time (so a release never overtakes a hold). */
  private readonly leaseChanges = new Set<string>();
  private renewalDue = false;
  private writingLeases = false;
  /** End of the leases' validity as last renewed: a renewal after it must re-announce them. */
  private leasesValidUntil = Infinity;
  private leaseWrites: Promise<void> = Promise.resolve();

  /** Users whose global state must be read again, by one reader at a time (latest read wins). */
  private readonly lookups = new Set<string>();
  private lookupRound: Deferred | null = null;
  private readingLeases = false;
  /** Followed users whose lookup failed: read again at the next heartbeat. */
  private readonly retryLookups = new Set<string>();

  private heartbeat: NodeJS.Timeout | undefined;
  private beating = false;
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    /** This server process, as the leases name it. */
    readonly processId: string,
    private readonly timings: PresenceTimings,
  ) {
    this.changes.setMaxListeners(0);
    this.stopListening = [
      store.notifier.subscribe(PRESENCE_TOPIC, (userId) => {
        if (userId.length > 0) void this.lookUp([userId]);
      }),
      store.notifier.onResync(() => void this.lookUp([...this.followed])),
    ];
  }

  /** Starts the heartbeat that renews this process's leases and sweeps expired ones. */
  start(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => void this.beat(), this.timings.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Gives up this process's leases (announced), so its users go offline now rather than at expiry. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    for (const stop of this.stopListening) stop();
    await this.drainLeaseWrites();
    const held = [...this.held];
    if (held.length === 0) return;
    try {
      await this.store.presenceLeases.release(this.processId, held);
      this.held.clear();
      for (const userId of held) this.store.notifier.publish(PRESENCE_TOPIC, userId);
    } catch (error: unknown) {
      this.log.error({ err: error }, 'could not release presence leases; they will expire');
    }
  }

  isOnline(userId: string): boolean {
    return this.hasLocalConnection(userId) || this.online.has(userId);
  }

  connected(userId: string): void {
    const count = (this.localConnections.get(userId) ?? 0) + 1;
    this.localConnections.set(userId, count);
    if (count > 1) return;
    this.setState(userId, true);
    this.changeLease(userId);
  }

  disconnected(userId: string): void {
    const count = (this.localConnections.get(userId) ?? 0) - 1;
    if (count > 0) {
      this.localConnections.set(userId, count);
      return;
    }
    if (count < 0) return;
    this.localConnections.delete(userId);
    const now = Date.now();
    this.lastSeen.set(userId, now);
    this.store.users.setLastSeen(userId, now).catch((error: unknown) => {
      this.log.error({ err: error, userId }, 'could not store last-seen time');
    });
    // Offline once the lease is released and no other process holds one (the announcement's lookup).
    this.changeLease(userId);
  }

  /** Users with a live connection to this process, to mark every one of them as seen at shutdown. */
  onlineUsers(): string[] {
    return [...this.localConnections.keys()];
  }

  /**
   * Makes sure the users' global state is in memory before `isOnline`/`presenceOf` are asked about
   * them: one lease lookup for those not followed yet, nothing for the others.
   */
  async track(userIds: Iterable<string>): Promise<void> {
    const unknown = [...userIds].filter(
      (userId) => !this.followed.has(userId) && !this.hasLocalConnection(userId),
    );
    if (unknown.length > 0) await this.lookUp(unknown);
  }

  /** The user's state, given the stored last-seen time for users this process has not seen go. */
  presenceOf(userId: string, storedLastSeenAt: number | null): PeerPresence {
    return {
      userId,
      online: this.isOnline(userId),
      lastSeenAt: this.lastSeen.get(userId) ?? storedLastSeenAt,
    };
  }

  onChange(listener: (change: PeerPresence) => void): () => void {
    this.changes.on('change', listener);
    return () => this.changes.off('change', listener);
  }

  private hasLocalConnection(userId: string): boolean {
    return (this.localConnections.get(userId) ?? 0) > 0;
  }

  /** Records the user's global state; listeners hear of it when it changed. */
  private setState(userId: string, online: boolean): void {
    this.followed.add(userId);
    if (online === this.online.has(userId)) return;
    if (online) {
      this.online.add(userId);
      this.announce({ userId, online: true, lastSeenAt: this.lastSeen.get(userId) ?? null });
    } else {
      this.online.delete(userId);
      const lastSeenAt = Date.now();
      this.lastSeen.set(userId, lastSeenAt);
      this.announce({ userId, online: false, lastSeenAt });
    }
  }

  private announce(change: PeerPresence): void {
    this.log.info(
      { event: 'presence', userId: change.userId, online: change.online },
      'presence changed',
    );
    this.changes.emit('change', change);
  }

  private changeLease(userId: string): void {
    if (this.closed) return;
    this.leaseChanges.add(userId);
    this.writeLeases();
  }

  /**
   * Stores lease changes and renewals one batch at a time: a quick disconnect → reconnect is a
   * release then a hold (or nothing, if both happened before the batch was taken), never the
   * other way round, and a renewal never revives a lease released meanwhile.
   */
  private writeLeases(): void {
    if (this.writingLeases) return;
    this.writingLeases = true;
    this.leaseWrites = (async () => {
      try {
        while (this.leaseChanges.size > 0 || this.renewalDue) {
          const changed = [...this.leaseChanges];
          this.leaseChanges.clear();
          const renew = this.renewalDue;
          this.renewalDue = false;
          const isLocal = (id: string) => this.hasLocalConnection(id);
          const toHold = renew
            ? [...this.localConnections.keys()]
            : changed.filter((id) => isLocal(id) && !this.held.has(id));
          const toRelease = changed.filter((id) => !isLocal(id) && this.held.has(id));
          const announced = toHold.filter((id) => !this.held.has(id)).concat(toRelease);
          try {
            if (toHold.length > 0) {
              const now = Date.now();
              const validUntil = now + this.timings.leaseMs;
              const heldNone = this.held.size === 0;
              await this.store.presenceLeases.hold(this.processId, toHold, validUntil);
              for (const userId of toHold) this.held.add(userId);
              // Renewed too late: another process may have swept these leases and announced the
              // users offline. Announce them again.
              if (renew && now >= this.leasesValidUntil) announced.push(...toHold);
              if (renew || heldNone) this.leasesValidUntil = validUntil;
            }
            if (toRelease.length > 0) {
              await this.store.presenceLeases.release(this.processId, toRelease);
              for (const userId of toRelease) this.held.delete(userId);
              if (this.held.size === 0) this.leasesValidUntil = Infinity;
            }
          } catch (error: unknown) {
            // Tried again at the next heartbeat.
            for (const userId of changed) this.leaseChanges.add(userId);
            this.renewalDue ||= renew;
            this.log.error({ err: error }, 'could not store presence leases');
            break;
          }
          for (const userId of new Set(announced)) {
            this.store.notifier.publish(PRESENCE_TOPIC, userId);
          }
          // A user who left here may still be online elsewhere (or never got a lease stored, when
          // they came and went within one batch): read their global state. Announcing above
          // already asked for the released ones; the set of pending lookups keeps them single.
          const left = changed.filter((id) => !isLocal(id));
          if (left.length > 0) void this.lookUp(left);
        }
      } finally {
        this.writingLeases = false;
      }
    })();
  }

  private async drainLeaseWrites(): Promise<void> {
    while (this.writingLeases) await this.leaseWrites;
  }

  /**
   * Reads the users' global state from the leases. Reads run one at a time, each taking every
   * user asked about meanwhile, so the newest read always has the last word; resolves when a read
   * that started after this call has been applied (or failed).
   */
  private lookUp(userIds: string[]): Promise<void> {
    for (const userId of userIds) this.lookups.add(userId);
    this.lookupRound ??= deferred();
    const round = this.lookupRound.promise;
    if (!this.readingLeases) void this.readLeases();
    return round;
  }

  private async readLeases(): Promise<void> {
    this.readingLeases = true;
    try {
      while (this.lookups.size > 0) {
        const round = this.lookupRound;
        this.lookupRound = null;
        const userIds = [...this.lookups];
        this.lookups.clear();
        for (let start = 0; start < userIds.length; start += LOOKUP_BATCH) {
          const batch = userIds.slice(start, start + LOOKUP_BATCH);
          try {
            const online = await this.store.presenceLeases.onlineAmong(batch, Date.now());
            for (const userId of batch) {
              this.setState(userId, online.has(userId) || this.hasLocalConnection(userId));
            }
          } catch (error: unknown) {
            // Followed users are read again at the next heartbeat; the others at their next track().
            for (const userId of batch)
              if (this.followed.has(userId)) this.retryLookups.add(userId);
            this.log.error({ err: error }, 'could not read presence leases');
          }
        }
        round?.resolve();
      }
    } finally {
      this.readingLeases = false;
    }
  }

  /** Renews this process's leases, sweeps expired ones (announcing their users), retries failures. */
  private async beat(): Promise<void> {
    if (this.beating || this.closed) return;
    this.beating = true;
    try {
      // Renew before sweeping, so that this process's own leases are never the ones swept.
      this.renewalDue = true;
      this.writeLeases();
      await this.leaseWrites;
      if (this.retryLookups.size > 0) {
        const retry = [...this.retryLookups];
        this.retryLookups.clear();
        void this.lookUp(retry);
      }
      const swept = await this.store.presenceLeases.sweepExpired(Date.now());
      for (const userId of swept) this.store.notifier.publish(PRESENCE_TOPIC, userId);
    } catch (error: unknown) {
      this.log.error({ err: error }, 'could not sweep expired presence leases');
    } finally {
      this.beating = false;
    }
  }
}
