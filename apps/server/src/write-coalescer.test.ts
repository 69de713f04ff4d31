import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { WriteCoalescer } from './write-coalescer.js';

let cleanup: Array<() => void> = [];
afterEach(() => {
  for (const step of cleanup.reverse()) step();
  cleanup = [];
});

type Served = { ws: WebSocket; socket: Socket; writes: () => Array<number> };

/** A `ws` server whose connections go through the coalescer; counts the socket's system writes. */
async function connectPair(coalescer: WriteCoalescer | null) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => wss.once('listening', resolve));
  const served = new Promise<Served>((resolve) => {
    wss.on('connection', (ws, req) => {
      const socket = req.socket;
      // One entry per call into the socket's handle: chunks per `writev`, or 1 for a `write`.
      const writes: number[] = [];
      const internal = socket as unknown as {
        _writev: (chunks: unknown[], callback: () => void) => void;
        _write: (chunk: unknown, encoding: string, callback: () => void) => void;
      };
      const writev = internal._writev.bind(socket);
      const write = internal._write.bind(socket);
      internal._writev = (chunks, callback) => {
        writes.push(chunks.length);
        writev(chunks, callback);
      };
      internal._write = (chunk, encoding, callback) => {
        writes.push(1);
        write(chunk, encoding, callback);
      };
      coalescer?.coalesceSends(ws, socket);
      resolve({ ws, socket, writes: () => writes });
    });
  });
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  const received: string[] = [];
  client.on('message', (data: Buffer) => received.push(data.toString()));
  await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));
  cleanup.push(() => {
    client.terminate();
    for (const ws of wss.clients) ws.terminate();
    wss.close();
  });
  return { server: await served, client, received };
}

const until = async (condition: () => boolean) => {
  for (let i = 0; i < 200 && !condition(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('WriteCoalescer', () => {
  it('sends the frames of one turn in one system write, in order', async () => {
    const { server, received } = await connectPair(new WriteCoalescer());
    const before = server.writes().length;
    server.ws.send('one');
    server.ws.send('two');
    server.ws.send('three');
    expect(server.socket.writableCorked).toBe(1);
    await until(() => received.length === 3);
    expect(received).toEqual(['one', 'two', 'three']);
    const writes = server.writes().slice(before);
    expect(writes).toHaveLength(1);
    expect(writes[0]).toBeGreaterThanOrEqual(3);
    expect(server.socket.writableCorked).toBe(0);
  });

  it('writes each frame on its own without it (what the count above is compared to)', async () => {
    const { server, received } = await connectPair(null);
    const before = server.writes().length;
    server.ws.send('one');
    server.ws.send('two');
    server.ws.send('three');
    await until(() => received.length === 3);
    expect(received).toEqual(['one', 'two', 'three']);
    expect(server.writes().slice(before).length).toBeGreaterThanOrEqual(2);
  });

  it('uncorks in every later turn, and lets a close through after the frames', async () => {
    const coalescer = new WriteCoalescer();
    const { server, client, received } = await connectPair(coalescer);
    server.ws.send('first');
    await until(() => received.length === 1);
    expect(coalescer.size).toBe(0);
    server.ws.send('second');
    expect(coalescer.size).toBe(1);
    await until(() => received.length === 2);
    expect(received).toEqual(['first', 'second']);

    const closed = new Promise<number>((resolve) => client.once('close', resolve));
    server.ws.send('last');
    server.ws.close(4000, 'bye');
    expect(await closed).toBe(4000);
    expect(received).toEqual(['first', 'second', 'last']);
  });

  it('names the connections written to since it was last asked', async () => {
    const coalescer = new WriteCoalescer();
    const first = await connectPair(coalescer);
    const second = await connectPair(coalescer);
    expect(coalescer.takeWritten().size).toBe(0);
    first.server.ws.send('x');
    first.server.ws.send('y');
    expect([...coalescer.takeWritten()]).toEqual([first.server.ws]);
    expect(coalescer.takeWritten().size).toBe(0);
    second.server.ws.send('z');
    expect([...coalescer.takeWritten()]).toEqual([second.server.ws]);
  });
});
