/**
 * The sessions whose access tokens must be refused before they expire. Kept in memory so that
 * checking a token needs no database round trip; revocation updates it at once.
 */
export class RevocationList {
  private readonly revokedAt = new Map<string, number>();
  private readonly listeners = new Set<(sessionId: string) => void>();

  constructor(private readonly retentionMs: number) {}

  add(sessionId: string, at = Date.now()): void {
    if (this.revokedAt.has(sessionId)) return;
    this.revokedAt.set(sessionId, at);
    for (const listener of this.listeners) listener(sessionId);
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
}
