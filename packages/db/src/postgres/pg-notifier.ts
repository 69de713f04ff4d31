import { EventEmitter } from 'node:events';
import type { Sql } from 'postgres';
import type { Notifier } from '../store.js';

/** PostgreSQL's NOTIFY payload limit is 8000 bytes; ids fit many times over. */
const maxPayloadBytes = 7900;

type Envelope = {
  /** Origin process. */
  o: string;
  /** Publish time, epoch ms. */
  t: number;
  /** Topic. */
  c: string;
  m: string;
};

export type PgNotifierOptions = {
  /** Publishes go through the pool (one round trip per tick, whatever the count). */
  pool: Sql;
  /** A dedicated connection for LISTEN (postgres.js keeps `listen` on its own connection). */
  listener: Sql;
  processId: string;
  /** @default 'parley' */
  channel?: string;
  onBackgroundError?: (message: string) => void;
};

/**
 * Wake-ups across processes with LISTEN/NOTIFY on one channel. Subscribers in this process get a
 * publish synchronously; other processes get it after the publishing round trip, and a process
 * ignores its own notifications when they come back. NOTIFY outside a transaction is sent at once;
 * the state it stands for is committed before `publish` is called, so a receiver that reads it
 * finds it.
 *
 * Notifications sent while the listening connection is down are lost: when it is back (postgres.js
 * re-listens and calls onlisten again) every `onResync` listener runs, and so it does after a
 * publish failed (the others may have missed it).
 */
export class PgNotifier implements Notifier {
  private readonly local = new EventEmitter();
  private readonly resync = new EventEmitter();
  private readonly channel: string;
  private queue: string[] = [];
  private flushScheduled = false;
  private listens = 0;
  private lastLagMs: number | null = null;
  private started: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly options: PgNotifierOptions) {
    this.channel = options.channel ?? 'parley';
    // One listener per live subscription: thousands are normal, not a leak.
    this.local.setMaxListeners(0);
    this.resync.setMaxListeners(0);
  }

  /** Starts listening; resolves once LISTEN is in place. */
  start(): Promise<void> {
    this.started ??= this.options.listener
      .listen(
        this.channel,
        (payload) => this.receive(payload),
        () => {
          this.listens += 1;
          if (this.listens > 1) this.emitResync();
        },
      )
      .then(() => undefined);
    return this.started;
  }

  publish(topic: string, message: string): void {
    this.local.emit(topic, message);
    if (this.closed) return;
    const envelope: Envelope = { o: this.options.processId, t: Date.now(), c: topic, m: message };
    const payload = JSON.stringify(envelope);
    if (Buffer.byteLength(payload) > maxPayloadBytes) {
      this.options.onBackgroundError?.(`notification on "${topic}" too large, not sent`);
      return;
    }
    this.queue.push(payload);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => void this.flush());
    }
  }

  subscribe(topic: string, listener: (message: string) => void): () => void {
    this.local.on(topic, listener);
    return () => this.local.off(topic, listener);
  }

  onResync(listener: () => void): () => void {
    this.resync.on('resync', listener);
    return () => this.resync.off('resync', listener);
  }

  /** Delay of the latest notification from another process, publish to receipt. */
  lagMs(): number | null {
    return this.lastLagMs;
  }

  /** Sends what is queued, then stops. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const payloads = this.queue;
    this.queue = [];
    if (payloads.length === 0) return;
    try {
      // One round trip for the whole tick's notifications.
      await this.options
        .pool`SELECT pg_notify(${this.channel}, p) FROM unnest(${payloads}::text[]) AS p`;
    } catch (error) {
      this.options.onBackgroundError?.(
        `notifications not sent (${payloads.length}): ${error instanceof Error ? error.message : String(error)}`,
      );
      this.emitResync();
    }
  }

  private receive(payload: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(payload) as Envelope;
    } catch {
      return; // not ours
    }
    if (envelope.o === this.options.processId || typeof envelope.c !== 'string') return;
    this.lastLagMs = Math.max(0, Date.now() - envelope.t);
    this.guarded(() => this.local.emit(envelope.c, envelope.m));
  }

  private emitResync(): void {
    this.guarded(() => this.resync.emit('resync'));
  }

  /** Runs listeners from postgres.js callbacks, where a throw would break the connection. */
  private guarded(emit: () => void): void {
    try {
      emit();
    } catch (error) {
      this.options.onBackgroundError?.(
        `a notification listener failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
