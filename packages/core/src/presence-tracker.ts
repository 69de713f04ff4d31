import { EventEmitter } from 'node:events';
import type { Store } from '@parley/db';
import type { PeerPresence } from '@parley/protocol';
import type { Logger } from './logger.js';

/**
 * A user is online while at least one of their authenticated WebSocket connections is open.
 * Transitions are published so presence streams (and other processes) learn them at once.
 */
export class PresenceTracker {
  private readonly connections = new Map<string, number>();
  private readonly lastSeen = new Map<string, number>();
  private readonly changes = new EventEmitter();

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
  ) {
    this.changes.setMaxListeners(0);
  }

  isOnline(userId: string): boolean {
    return (this.connections.get(userId) ?? 0) > 0;
  }

  connected(userId: string): void {
    const count = (this.connections.get(userId) ?? 0) + 1;
    this.connections.set(userId, count);
    if (count === 1)
      this.announce({ userId, online: true, lastSeenAt: this.lastSeen.get(userId) ?? null });
  }

  disconnected(userId: string): void {
    const count = (this.connections.get(userId) ?? 0) - 1;
    if (count > 0) {
      this.connections.set(userId, count);
      return;
    }
    this.connections.delete(userId);
    const now = Date.now();
    this.lastSeen.set(userId, now);
    this.announce({ userId, online: false, lastSeenAt: now });
    this.store.users.setLastSeen(userId, now).catch((error: unknown) => {
      this.log.error({ err: error, userId }, 'could not store last-seen time');
    });
  }

  /** Live connections' users, to mark every one of them as seen at shutdown. */
  onlineUsers(): string[] {
    return [...this.connections.keys()];
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

  private announce(change: PeerPresence): void {
    this.log.info(
      { event: 'presence', userId: change.userId, online: change.online },
      'presence changed',
    );
    this.changes.emit('change', change);
  }
}
