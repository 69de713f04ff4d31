import { isStorageFull } from '@parley/db';
import type { Logger } from './logger.js';

const DEFAULT_INTERVAL_MS = 60_000;

/**
 * Logs failed database writes at most once a minute (with how many were not logged), so that a
 * full disk, which fails every write, does not flood the logs that the same disk cannot take.
 */
export class StorageFailureLog {
  private lastLoggedAt = Number.NEGATIVE_INFINITY;
  private unlogged = 0;

  constructor(
    private readonly log: Logger,
    private readonly intervalMs = DEFAULT_INTERVAL_MS,
  ) {}

  report(error: unknown, context: Record<string, unknown>): void {
    const now = Date.now();
    if (now - this.lastLoggedAt < this.intervalMs) {
      this.unlogged++;
      return;
    }
    this.log.error(
      {
        event: 'storage-write-failed',
        storageFull: isStorageFull(error),
        err: error,
        notLoggedSinceLast: this.unlogged,
        ...context,
      },
      'a database write failed (logged at most once a minute)',
    );
    this.lastLoggedAt = now;
    this.unlogged = 0;
  }
}
