/** One error event as the aggregator saw it; never carries message bodies, passwords or tokens. */
export type TrackedError = {
  /** What went wrong, e.g. `unexpected error in an HTTP call` or a log line's `event`. */
  kind: string;
  error?: { name: string; message: string; stack?: string };
  /** Structured context of the log line (ids, path), already redacted. */
  context: Record<string, unknown>;
};

/**
 * The adapter point for an external error tracker (Sentry, GlitchTip, …). Off by default: the
 * server aggregates errors in memory and in its logs; an operator who wants a tracker passes an
 * implementation to `startServer({ errorTracker })`.
 */
export interface ErrorTracker {
  capture(error: TrackedError): void;
  /** Called on graceful shutdown so buffered reports can be sent. */
  flush?(): Promise<void>;
}
