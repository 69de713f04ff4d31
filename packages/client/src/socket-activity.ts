import type { WebSocketConstructor, WebSocketLike } from './websocket.js';

/** What both the DOM's WebSocket and `ws`'s have, and tRPC relies on too. */
interface ListeningSocket extends WebSocketLike {
  addEventListener(type: string, listener: (event: { data?: unknown }) => void): void;
  removeEventListener(type: string, listener: (event: { data?: unknown }) => void): void;
}

/**
 * Knows when each socket last received a frame, and asks a socket on demand whether the server still
 * answers: the keep-alive's "PING", which the server answers "PONG" without touching the database.
 */
export class SocketActivity {
  private readonly lastFrames = new WeakMap<WebSocketLike, number>();
  /** The WebSocket class to hand to tRPC: `base`, recording when each socket opens and receives a frame. */
  readonly WebSocket: WebSocketConstructor;

  constructor(base: WebSocketConstructor) {
    const lastFrames = this.lastFrames;
    this.WebSocket = class ObservedWebSocket extends base {
      constructor(...args: ConstructorParameters<WebSocketConstructor>) {
        super(...args);
        const seen = () => lastFrames.set(this, Date.now());
        (this as unknown as ListeningSocket).addEventListener('open', seen);
        (this as unknown as ListeningSocket).addEventListener('message', seen);
      }
    };
  }

  /** When `socket` last opened or received a frame (epoch ms); undefined if never. */
  lastFrameAt(socket: WebSocketLike): number | undefined {
    return this.lastFrames.get(socket);
  }

  /**
   * Sends "PING" and resolves true once a "PONG" arrives within `timeoutMs`, false when none does or the
   * socket closes first. tRPC matches PONGs to its own pings in order; after a server-requested move to
   * a new socket it pings the old one to know when to close it, and an extra PONG from here may let it
   * close that old socket a round trip early. Id-carrying events are resumed on the new socket either
   * way, so at most an id-less presence update in flight during the move could be missed.
   */
  ping(socket: WebSocketLike, timeoutMs: number): Promise<boolean> {
    const listening = socket as ListeningSocket;
    return new Promise((resolve) => {
      const finish = (answered: boolean) => {
        clearTimeout(timer);
        listening.removeEventListener('message', onMessage);
        listening.removeEventListener('close', onClose);
        resolve(answered);
      };
      const onMessage = (event: { data?: unknown }) => {
        if (event.data === 'PONG') finish(true);
      };
      const onClose = () => finish(false);
      const timer = setTimeout(() => finish(false), timeoutMs);
      listening.addEventListener('message', onMessage);
      listening.addEventListener('close', onClose);
      try {
        socket.send('PING');
      } catch {
        finish(false);
      }
    });
  }
}
