import WebSocket from 'ws';
import { LatencyHistogram, type LatencySummary } from './latency-histogram.js';
import type { LoadTarget, OpenLoopRun } from './open-loop.js';
import { generatorWire } from './wire-counters.js';

/** The same users and pairs against the raw relay: `<to> <k>` out, `<k>` in. */
export class RelayLoad implements LoadTarget {
  private sockets: WebSocket[] = [];
  private pairList: Array<[number, number]> = [];
  run: OpenLoopRun | null = null;

  constructor(private readonly url: string) {}

  get pairs(): number {
    return this.pairList.length;
  }

  async connect(
    users: number,
    ratePerSecond: number,
  ): Promise<{ handshake: LatencySummary; failures: number }> {
    const histogram = new LatencyHistogram();
    const started = performance.now();
    let failures = 0;
    const all: Array<Promise<void>> = [];
    for (let i = 0; i < users; i += 1) {
      const dueAt = started + (i * 1000) / ratePerSecond;
      while (performance.now() < dueAt) await new Promise((resolve) => setTimeout(resolve, 1));
      const ws = new WebSocket(`${this.url}/?user=${i}`, { perMessageDeflate: false });
      this.sockets.push(ws);
      ws.on('message', (raw: Buffer) => {
        generatorWire.received(raw.length);
        this.run?.onReceive(Number(raw.toString()));
      });
      ws.on('error', () => undefined);
      all.push(
        new Promise<void>((resolve) => {
          ws.once('open', () => {
            histogram.record(performance.now() - dueAt);
            resolve();
          });
          ws.once('error', () => {
            failures += 1;
            resolve();
          });
        }),
      );
    }
    await Promise.all(all);
    for (let i = 0; i + 1 < users; i += 2) this.pairList.push([i, i + 1]);
    return { handshake: histogram.summary(), failures };
  }

  send(k: number, pair: number, forward: boolean): void {
    const [a, b] = this.pairList[pair]!;
    const from = forward ? a : b;
    const to = forward ? b : a;
    const ws = this.sockets[from]!;
    if (ws.readyState !== WebSocket.OPEN) return this.run?.onError();
    const frame = `${to} ${k}`;
    generatorWire.sent(frame.length);
    ws.send(frame);
  }

  close(): void {
    for (const ws of this.sockets) ws.terminate();
  }
}
