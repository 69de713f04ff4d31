import { createServer, connect, type AddressInfo, type Socket } from 'node:net';

export interface TestProxy {
  /** http://127.0.0.1:<proxy port> */
  url: string;
  /** Cuts every open connection at once with a TCP reset on both sides: no close frame, no FIN. */
  killAll(): void;
  /**
   * While on, the server's answers are swallowed: requests reach the server, then the client's connection is
   * reset as soon as the answer starts, as if the network failed just after the server did its work.
   */
  dropAnswers(on: boolean): void;
  /**
   * While on, plain HTTP requests (not WebSocket upgrades) are swallowed: they never reach the server and get no
   * answer, as on a half-open connection. WebSockets keep working.
   */
  holdHttp(on: boolean): void;
  /**
   * The WebSockets open now go silent for good: nothing more is forwarded either way and nothing is closed, as
   * when the network under a connection died without a word (Wi-Fi changed, laptop slept). New connections work.
   */
  silenceWebSockets(): void;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/** A TCP proxy in front of a test server, to break connections the way real networks do. */
export async function startTestProxy(target: { port: number }): Promise<TestProxy> {
  const open = new Set<Socket>();
  const silenced = new WeakSet<Socket>();
  const webSockets = new Set<Socket>();
  let accepted = 0;
  let dropping = false;
  let holding = false;
  const reset = (socket: Socket) => {
    if (!socket.destroyed) socket.resetAndDestroy();
  };
  const server = createServer((client) => {
    accepted++;
    const upstream = connect(target.port, '127.0.0.1');
    open.add(client);
    open.add(upstream);
    const cut = () => {
      reset(client);
      reset(upstream);
      open.delete(client);
      open.delete(upstream);
      webSockets.delete(client);
    };
    client.on('error', cut);
    upstream.on('error', cut);
    client.on('close', cut);
    upstream.on('close', cut);
    let kind: 'http' | 'websocket' | null = null;
    client.on('data', (chunk: Buffer) => {
      kind ??= /\r\nupgrade:\s*websocket/i.test(chunk.toString('latin1')) ? 'websocket' : 'http';
      if (kind === 'websocket') webSockets.add(client);
      if (silenced.has(client)) return;
      if (holding && kind === 'http') return;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (silenced.has(client)) return;
      if (dropping) cut();
      else client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    killAll() {
      for (const socket of open) reset(socket);
      open.clear();
    },
    silenceWebSockets() {
      for (const socket of webSockets) silenced.add(socket);
    },
    holdHttp(on) {
      holding = on;
    },
    dropAnswers(on) {
      dropping = on;
    },
    connections: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) reset(socket);
        server.close(() => resolve());
      }),
  };
}
