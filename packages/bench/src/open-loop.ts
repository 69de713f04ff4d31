import { GeneratorLoad } from './generator-load.js';
import {
  LatencyHistogram,
  type LatencySummary,
  type PercentileCurve,
} from './latency-histogram.js';

/** What the schedule drives: Parley's clients or the raw relay's. */
export interface LoadTarget {
  /** Conversations (pairs of connected users) to pick from. */
  readonly pairs: number;
  /**
   * Sends message `k` in conversation `pair`, from its first member when `forward` else the
   * second. The target calls `onError` if the send fails and `onReceive(k)` when the recipient
   * gets it.
   */
  send(k: number, pair: number, forward: boolean): void;
  /** Bytes queued in the generator's own sockets (kept bounded). */
  bufferedBytes?(): number;
}

export type RunResult = {
  rate: number;
  durationSeconds: number;
  scheduled: number;
  delivered: number;
  lost: number;
  errors: number;
  /** Delivered messages per second of schedule. */
  throughput: number;
  latency: LatencySummary;
  curve: PercentileCurve;
  generator: { cpuPercent: number; eventLoopDelayP99Ms: number; eventLoopDelayMaxMs: number };
  /** How late (ms) the generator got behind its own schedule at worst. */
  maxScheduleLagMs: number;
};

/**
 * An open-loop schedule: message k is due at start + k / rate whatever happened to the ones
 * before, and its latency is measured from that due time to receipt. A stall anywhere (server,
 * network, generator) therefore shows up in every message it delays: the HdrHistogram is free of
 * coordinated omission by construction.
 */
export class OpenLoopRun {
  private readonly due: Float64Array;
  private readonly received: Uint8Array;
  private readonly histogram = new LatencyHistogram();
  /** Latency (ms) of each received message, by index; NaN until received. */
  private readonly latencies: Float32Array;
  private startedAt = 0;
  private delivered = 0;
  private errors = 0;
  private lastDeliveryAt = 0;

  constructor(
    private readonly options: {
      rate: number;
      durationMs: number;
      /** Wait this long at most after the last send for stragglers. @default 5000 */
      drainMs?: number;
      /** k of this run's first message, so runs never confuse each other's messages. */
      firstK: number;
      seed: number;
    },
  ) {
    const total = Math.max(1, Math.round((options.rate * options.durationMs) / 1000));
    this.due = new Float64Array(total);
    this.received = new Uint8Array(total);
    this.latencies = new Float32Array(total).fill(Number.NaN);
  }

  /** performance.now() at the start of the schedule. */
  get startTime(): number {
    return this.startedAt;
  }

  get total(): number {
    return this.due.length;
  }

  /** Called by the target when message k arrives at its recipient. */
  onReceive(k: number): void {
    const index = k - this.options.firstK;
    if (index < 0 || index >= this.due.length || this.received[index] === 1) return;
    const due = this.due[index]!;
    if (due === 0) return;
    this.received[index] = 1;
    const now = performance.now();
    const latency = now - due;
    this.histogram.record(latency);
    this.latencies[index] = latency;
    this.delivered += 1;
    this.lastDeliveryAt = now;
  }

  /**
   * Latency of the messages scheduled in [fromMs, toMs) of the run; a message of that span that
   * never arrived counts as the worst latency seen (so loss cannot improve a window).
   */
  window(fromMs: number, toMs: number): LatencySummary {
    const histogram = new LatencyHistogram();
    const interval = 1000 / this.options.rate;
    const first = Math.max(0, Math.ceil(fromMs / interval));
    const last = Math.min(this.due.length, Math.ceil(toMs / interval));
    const worst = this.histogram.summary().max;
    for (let i = first; i < last; i += 1) {
      const latency = this.latencies[i]!;
      histogram.record(Number.isNaN(latency) ? worst : latency);
    }
    return histogram.summary();
  }

  onError(): void {
    this.errors += 1;
  }

  async run(
    target: LoadTarget,
    atMs?: Array<{ atMs: number; action: () => void }>,
  ): Promise<RunResult> {
    const { rate } = this.options;
    const total = this.due.length;
    const interval = 1000 / rate;
    let random = this.options.seed >>> 0;
    const next = () => {
      // xorshift32: cheap and deterministic.
      random ^= random << 13;
      random ^= random >>> 17;
      random ^= random << 5;
      return (random >>> 0) / 4294967296;
    };
    const load = new GeneratorLoad();
    const actions = [...(atMs ?? [])].sort((a, b) => a.atMs - b.atMs);
    let sent = 0;
    let maxLag = 0;
    this.startedAt = performance.now();
    const hardStop = this.startedAt + this.options.durationMs * 3 + 10_000;

    await new Promise<void>((resolve) => {
      const tick = () => {
        const now = performance.now();
        while (actions.length > 0 && actions[0]!.atMs <= now - this.startedAt)
          actions.shift()!.action();
        const dueCount = Math.min(total, Math.floor((now - this.startedAt) / interval) + 1);
        if (dueCount > sent) maxLag = Math.max(maxLag, now - (this.startedAt + sent * interval));
        // Never more than a second's worth in one tick, so receipts are handled in between.
        const limit = Math.min(dueCount, sent + Math.max(1, rate));
        while (sent < limit) {
          const due = this.startedAt + sent * interval;
          this.due[sent] = due;
          target.send(this.options.firstK + sent, Math.floor(next() * target.pairs), next() < 0.5);
          sent += 1;
        }
        if (sent >= total || now > hardStop) resolve();
        else
          setTimeout(
            tick,
            Math.max(0, Math.min(5, this.startedAt + sent * interval - performance.now())),
          );
      };
      tick();
    });

    const drainUntil = performance.now() + (this.options.drainMs ?? 5000);
    while (this.delivered + this.errors < sent && performance.now() < drainUntil) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const generator = load.read();
    load.close();
    const spanSeconds = Math.max(
      this.options.durationMs / 1000,
      (this.lastDeliveryAt - this.startedAt) / 1000,
    );
    return {
      rate,
      durationSeconds: this.options.durationMs / 1000,
      scheduled: total,
      delivered: this.delivered,
      lost: total - this.delivered,
      errors: this.errors,
      throughput: Math.round(this.delivered / spanSeconds),
      latency: this.histogram.summary(),
      curve: this.histogram.curve(),
      generator,
      maxScheduleLagMs: Math.round(maxLag * 10) / 10,
    };
  }
}
