import type { ErrorTracker, TrackedError } from './error-tracker.js';

/** pino's numeric level for `error`. */
const ERROR_LEVEL = 50;
/** Messages under redelivery that are remembered at once; beyond it the oldest is forgotten. */
const MAX_TRACKED_RETRIES = 10_000;
const RECENT_FAILURES = 20;

export type ErrorSummary = {
  /** Error events per kind since the start. */
  byKind: Record<string, number>;
  total: number;
  /** Messages pushed again at least once and not yet delivered, with how often they were retried. */
  retrying: { messages: number; maxRetries: number; totalRetries: number };
  /** Failed deliveries (recipient gone) since the start. */
  failedDeliveries: number;
  /** The latest failed deliveries whose log line named them, with how often each was retried. */
  recentFailures: Array<{ messageId: string; retries: number }>;
};

type LogObject = Record<string, unknown>;

const errorShape = (value: unknown): TrackedError['error'] => {
  if (value instanceof Error) {
    return value.stack === undefined
      ? { name: value.name, message: value.message }
      : { name: value.name, message: value.message, stack: value.stack };
  }
  return undefined;
};

/**
 * Counts error events per kind and follows messages that need redelivery. It reads the server's
 * structured log lines (the services already log every error and every delivery transition), so
 * no service has to know about it; `observe` is installed as the logger's hook.
 */
export class ErrorAggregator {
  private readonly counts = new Map<string, number>();
  private readonly retries = new Map<string, number>();
  private failed = 0;
  private readonly recentFailures: Array<{ messageId: string; retries: number }> = [];
  private total = 0;
  private readonly listeners = new Set<(kind: string) => void>();

  constructor(private readonly tracker: ErrorTracker | null = null) {}

  /** Calls `listener` with the kind of every error recorded from now on. */
  onError(listener: (kind: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sees one log call: its level and its merging object (if any) and message. */
  observe(level: number, object: LogObject | null, message: string | undefined): void {
    if (object !== null && object.event === 'delivery') this.observeDelivery(object);
    if (level < ERROR_LEVEL) return;
    const kind =
      (typeof object?.event === 'string' ? object.event : undefined) ?? message ?? 'error';
    this.record(kind, object ?? {});
  }

  /** Counts one error of `kind` and forwards it to the external tracker, when one is set. */
  record(kind: string, context: LogObject): void {
    this.total += 1;
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    for (const listener of this.listeners) listener(kind);
    if (!this.tracker) return;
    const { err, ...rest } = context;
    const error = errorShape(err);
    try {
      this.tracker.capture(error ? { kind, error, context: rest } : { kind, context: rest });
    } catch {
      // A broken tracker must never take the server down with it.
    }
  }

  /** A message can no longer be delivered (its recipient is gone). */
  deliveryFailed(): void {
    this.failed += 1;
    this.record('delivery-failed', {});
  }

  summary(): ErrorSummary {
    let maxRetries = 0;
    let totalRetries = 0;
    for (const count of this.retries.values()) {
      maxRetries = Math.max(maxRetries, count);
      totalRetries += count;
    }
    return {
      byKind: Object.fromEntries(this.counts),
      total: this.total,
      retrying: { messages: this.retries.size, maxRetries, totalRetries },
      failedDeliveries: this.failed,
      recentFailures: [...this.recentFailures],
    };
  }

  async flush(): Promise<void> {
    await this.tracker?.flush?.();
  }

  private observeDelivery(object: LogObject): void {
    const messageId = object.messageId;
    if (typeof messageId !== 'string') return;
    if (object.transition === 'retry' && typeof object.retries === 'number') {
      this.retries.delete(messageId);
      this.retries.set(messageId, object.retries);
      if (this.retries.size > MAX_TRACKED_RETRIES) {
        const oldest = this.retries.keys().next().value;
        if (oldest !== undefined) this.retries.delete(oldest);
      }
    } else if (object.transition === 'delivered' || object.transition === 'failed') {
      const retried = this.retries.get(messageId) ?? 0;
      this.retries.delete(messageId);
      if (object.transition === 'failed') {
        this.recentFailures.push({ messageId, retries: retried });
        if (this.recentFailures.length > RECENT_FAILURES) this.recentFailures.shift();
      }
    }
  }
}
