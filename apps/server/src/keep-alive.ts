import type { WebSocket } from 'ws';

type Watched = { heard: boolean; quietSince: number; pingedAt: number | null };

/**
 * Finds dead WebSocket peers: after `pingMs` without hearing from a peer it gets a WebSocket ping,
 * and its connection is terminated when nothing arrives within `pongWaitMs` of that ping. Every
 * WebSocket implementation (browsers, `ws`) answers pings itself, and anything the peer sends
 * counts, so a client that sends its own keep-alive is never pinged.
 *
 * One sweep over all sockets every fifth of the shorter period (at most every 2 s) does the timing:
 * a message only sets a flag. (tRPC's keep-alive, which this replaces, re-arms two timers per
 * socket on every incoming message and answers through its JSON message path; at 10,000 quiet
 * connections that was most of the idle server's CPU. A sweep over 10,000 sockets takes ~1–2 ms,
 * hence not every second.) With the defaults (`KEEP_ALIVE_PING_MS` 30 s, `KEEP_ALIVE_PONG_WAIT_MS`
 * 10 s) a peer is pinged 30–32 s after it went quiet and dropped 10–12 s after that; the client
 * library pings after 25 s itself, so only a client that does not gets pinged here.
 */
export class KeepAlive {
  private readonly sockets = new Map<WebSocket, Watched>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pingMs: number,
    private readonly pongWaitMs: number,
    sweepMs = Math.max(10, Math.min(2000, Math.floor(Math.min(pingMs, pongWaitMs) / 5))),
  ) {
    this.timer = setInterval(() => this.sweep(), sweepMs);
    this.timer.unref();
  }

  watch(ws: WebSocket): void {
    const watched: Watched = { heard: false, quietSince: Date.now(), pingedAt: null };
    this.sockets.set(ws, watched);
    const heard = () => {
      watched.heard = true;
    };
    ws.on('message', heard);
    ws.on('pong', heard);
    ws.once('close', () => this.sockets.delete(ws));
  }

  /** Sockets watched now. */
  get size(): number {
    return this.sockets.size;
  }

  close(): void {
    clearInterval(this.timer);
    this.sockets.clear();
  }

  private sweep(): void {
    const now = Date.now();
    for (const [ws, watched] of this.sockets) {
      if (watched.heard) {
        watched.heard = false;
        watched.quietSince = now;
        watched.pingedAt = null;
        continue;
      }
      if (watched.pingedAt !== null) {
        if (now - watched.pingedAt >= this.pongWaitMs) {
          this.sockets.delete(ws);
          ws.terminate();
        }
      } else if (now - watched.quietSince >= this.pingMs && ws.readyState === ws.OPEN) {
        watched.pingedAt = now;
        ws.ping();
      }
    }
  }
}
