import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

/**
 * Gathers the frames a socket is given within one callback of the event loop into one write: the
 * first write corks the socket, and every corked socket is uncorked once the callback and the
 * promise jobs it started have run (`process.nextTick` from there runs after the microtask queue
 * drained), so Node hands all of its pending chunks to one `writev`.
 *
 * A busy server writes several frames to a connection per callback (the per-tick SQLite commit
 * settles many calls at once: their answers and the events they caused), and on loopback each
 * syscall also pays the reader's TCP path. No frame waits for other I/O: the delay is the rest of
 * the callback that wrote it.
 */
export class WriteCoalescer {
  private readonly corked = new Set<Socket>();
  private written = new Set<WebSocket>();
  private flushScheduled = false;
  private readonly flush = () => {
    this.flushScheduled = false;
    const sockets = [...this.corked];
    this.corked.clear();
    for (const socket of sockets) {
      // end() and destroy() uncork on their own; an uncork more than the corks is a no-op.
      if (socket.writableCorked > 0) socket.uncork();
    }
  };

  /** Call before each write to `socket`: the write waits for the end of this turn. */
  hold(socket: Socket): void {
    if (this.corked.has(socket)) return;
    socket.cork();
    this.corked.add(socket);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(this.flush);
    }
  }

  /** Every frame `ws.send` writes to `socket` (its underlying connection) waits for the end of the turn. */
  coalesceSends(ws: WebSocket, socket: Socket): void {
    const send = ws.send.bind(ws) as (...args: unknown[]) => void;
    ws.send = ((...args: unknown[]) => {
      this.hold(socket);
      this.written.add(ws);
      send(...args);
    }) as WebSocket['send'];
  }

  /**
   * The connections `ws.send` wrote to since the last call: only their send buffers can have
   * grown, so a watch over buffers need not visit every quiet connection.
   */
  takeWritten(): Set<WebSocket> {
    const written = this.written;
    this.written = new Set();
    return written;
  }

  /** Sockets held for the end of this turn. */
  get size(): number {
    return this.corked.size;
  }
}
