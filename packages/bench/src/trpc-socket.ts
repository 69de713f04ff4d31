import WebSocket from 'ws';
import { generatorWire } from './wire-counters.js';

type Pending = { resolve: (data: unknown) => void; reject: (error: TrpcCallError) => void };
type Subscription = {
  onData: (data: unknown, eventId: string | undefined) => void;
  started: Pending;
};

type WireResponse = {
  id?: number | string | null;
  result?: { type: 'started' | 'data' | 'stopped'; id?: string; data?: unknown };
  error?: { message?: string; data?: { code?: string } };
};

export class TrpcCallError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/**
 * The tRPC v11 WebSocket wire protocol, spoken directly over `ws` with no client library: the
 * load generator holds thousands of these, so each must be small and cheap. JSON messages
 * `{ id, method, params: { path, input } }`; connection params first when the URL asks for them;
 * answers `{ id, result: { type, data } }`; the server's keep-alive "PING" gets "PONG".
 */
export class TrpcSocket {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly subscriptions = new Map<number, Subscription>();
  private closedError: TrpcCallError | null = null;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (raw: Buffer, isBinary: boolean) => this.onMessage(raw, isBinary));
    ws.on('close', (code) => this.failAll(new TrpcCallError(`socket closed (${code})`, 'CLOSED')));
    ws.on('error', () => undefined);
  }

  /** Opens the socket and sends the token as connection params; resolves once open. */
  static open(url: string, token: string | null, timeoutMs = 10_000): Promise<TrpcSocket> {
    const ws = new WebSocket(`${url}${token === null ? '' : '?connectionParams=1'}`, {
      perMessageDeflate: false,
      handshakeTimeout: timeoutMs,
    });
    return new Promise((resolve, reject) => {
      ws.once('open', () => {
        const socket = new TrpcSocket(ws);
        if (token !== null)
          socket.write(JSON.stringify({ method: 'connectionParams', data: { token } }));
        resolve(socket);
      });
      ws.once('error', reject);
    });
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  call(type: 'query' | 'mutation', path: string, input: unknown): Promise<unknown> {
    if (this.closedError) return Promise.reject(this.closedError);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.write(JSON.stringify({ id, method: type, params: { path, input } }));
    });
  }

  /** Subscribes; resolves when the server answers `started`. */
  subscribe(
    path: string,
    input: unknown,
    onData: (data: unknown, eventId: string | undefined) => void,
  ): Promise<void> {
    if (this.closedError) return Promise.reject(this.closedError);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.subscriptions.set(id, { onData, started: { resolve: () => resolve(), reject } });
      this.write(JSON.stringify({ id, method: 'subscription', params: { path, input } }));
    });
  }

  close(): void {
    this.ws.terminate();
  }

  private write(text: string): void {
    generatorWire.sent(Buffer.byteLength(text));
    this.ws.send(text);
  }

  private onMessage(raw: Buffer, isBinary: boolean): void {
    generatorWire.received(raw.length);
    if (!isBinary && raw.length === 4) {
      const text = raw.toString();
      if (text === 'PING') return void this.write('PONG');
      if (text === 'PONG') return;
    }
    const message = JSON.parse(raw.toString()) as WireResponse;
    if (typeof message.id !== 'number') return;
    const subscription = this.subscriptions.get(message.id);
    if (subscription) {
      if (message.error) {
        this.subscriptions.delete(message.id);
        subscription.started.reject(toError(message.error));
      } else if (message.result?.type === 'started') {
        subscription.started.resolve(undefined);
      } else if (message.result?.type === 'data') {
        // A tracked event arrives as { id, data: { id, data } }.
        const data = message.result.data as { id?: string; data?: unknown } | undefined;
        const tracked = message.result.id !== undefined && data !== undefined && 'data' in data;
        subscription.onData(tracked ? data.data : data, message.result.id);
      }
      return;
    }
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    if (message.error) pending.reject(toError(message.error));
    else pending.resolve(message.result?.data);
  }

  private failAll(error: TrpcCallError): void {
    this.closedError = error;
    for (const pending of this.pending.values()) pending.reject(error);
    for (const subscription of this.subscriptions.values()) subscription.started.reject(error);
    this.pending.clear();
    this.subscriptions.clear();
  }
}

const toError = (error: NonNullable<WireResponse['error']>): TrpcCallError =>
  new TrpcCallError(error.message ?? 'error', error.data?.code ?? 'UNKNOWN');
