import { createServer, connect, type Server, type Socket } from 'node:net';

export type StallingProxy = {
  port: number;
  /** Stops forwarding in both directions without closing anything: the peer looks alive but silent. */
  stall(): void;
  close(): Promise<void>;
};

/** A TCP proxy to the server, able to simulate a connection that died without a close frame. */
export async function startStallingProxy(targetPort: number): Promise<StallingProxy> {
  const pairs: Array<[Socket, Socket]> = [];
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    client.pipe(upstream);
    upstream.pipe(client);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop);
    upstream.on('error', drop);
    pairs.push([client, upstream]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no port');
  return {
    port: address.port,
    stall() {
      for (const [client, upstream] of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
    async close() {
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
