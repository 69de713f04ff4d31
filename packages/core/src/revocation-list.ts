import type { Notifier, SessionRepository } from '@parley/db';
import type { Logger } from './logger.js';

/** Notifier topic: the id of a session that has just ended, for every process to refuse. */
const REVOCATIONS_TOPIC = 'revocations';

/**
 * The sessions whose access tokens must be refused before they expire. Kept in memory so that
 * checking a token needs no database round trip. A revocation is applied here at once and
 * announced to the other processes sharing the database; should that announcement be lost, the
 * revocations stored in the database are read again on the notifier's resync.
 */
export class RevocationList {
  private readonly revokedAt = new Map<string, number>();
  private readonly listeners = new Set<(sessionId: string) => void>();
  private readonly stopListening: Array<() => void>;
  private pruneTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly retentionMs: number,
    private readonly notifier: Notifier,
    private readonly sessions: Pick<SessionRepository, 'revokedSince'>,
    private readonly log: Logger,
  ) {
    // Listen before the first load: a revocation between the two is in one or the other.
    this.stopListening = [
      notifier.subscribe(REVOCATIONS_TOPIC, (sessionId) => {
        if (sessionId.length > 0) this.remember(sessionId, Date.now());
      }),
      notifier.onResync(() => {
        this.load().catch((error: unknown) =>
          this.log.error({ err: error }, 'could not reload revoked sessions after a resync'),
        );
      }),
    ];
  }

  /** Loads what the database knows, then forgets expired entries now and then. */
  async start(): Promise<void> {
    await this.load();
    clearInterval(this.pruneTimer);
    this.pruneTimer = setInterval(() => this.prune(), 60_000);
    this.pruneTimer.unref();
  }

  close(): void {
    clearInterval(this.pruneTimer);
    for (const stop of this.stopListening) stop();
  }

  /** A session ended (already stored as ended): refuse its tokens here and in every other process. */
  revoke(sessionId: string, at = Date.now()): void {
    if (this.remember(sessionId, at)) this.notifier.publish(REVOCATIONS_TOPIC, sessionId);
  }

  has(sessionId: string): boolean {
    return this.revokedAt.has(sessionId);
  }

  /** Called for every newly revoked session (to close its open sockets). */
  onRevoked(listener: (sessionId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Forgets sessions whose tokens have all expired anyway. */
  prune(now = Date.now()): void {
    for (const [sessionId, at] of this.revokedAt) {
      if (now - at > this.retentionMs) this.revokedAt.delete(sessionId);
    }
  }

  /** The sessions ended within the retention period, as stored (some may be news to this process). */
  private async load(): Promise<void> {
    const now = Date.now();
    for (const sessionId of await this.sessions.revokedSince(now - this.retentionMs)) {
      this.remember(sessionId, now);
    }
  }

  /** True when the session was not known to be revoked yet. */
  private remember(sessionId: string, at: number): boolean {
    if (this.revokedAt.has(sessionId)) return false;
    this.revokedAt.set(sessionId, at);
    for (const listener of [...this.listeners]) listener(sessionId);
    return true;
  }
}
