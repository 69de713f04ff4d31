import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { KeepAlive } from './keep-alive.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let cleanup: Array<() => void> = [];
afterEach(() => {
  for (const step of cleanup.reverse()) step();
  cleanup = [];
});

async function serve(keepAlive: KeepAlive): Promise<{ url: string; pings: () => number }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => wss.once('listening', resolve));
  let pings = 0;
  wss.on('connection', (ws) => {
    keepAlive.watch(ws);
    const ping = ws.ping.bind(ws);
    ws.ping = (...args: Parameters<WebSocket['ping']>) => {
      pings += 1;
      ping(...args);
    };
  });
  cleanup.push(() => {
    keepAlive.close();
    for (const ws of wss.clients) ws.terminate();
    wss.close();
  });
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    pings: () => pings,
  };
}

async function connect(url: string, autoPong: boolean): Promise<WebSocket> {
  const ws = new WebSocket(url, { autoPong });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  cleanup.push(() => ws.terminate());
  return ws;
}

const closed = (ws: WebSocket) => ws.readyState === ws.CLOSED || ws.readyState === ws.CLOSING;

describe('KeepAlive', () => {
  it('pings a quiet peer and drops it when no pong comes back in time', async () => {
    const server = await serve(new KeepAlive(200, 200, 20));
    const silent = await connect(server.url, false);
    const answering = await connect(server.url, true);
    await sleep(1000);
    expect(closed(silent)).toBe(true);
    expect(closed(answering)).toBe(false);
    expect(server.pings()).toBeGreaterThanOrEqual(3);
  });

  it('never pings a peer that keeps talking', async () => {
    const server = await serve(new KeepAlive(200, 200, 20));
    const talking = await connect(server.url, false);
    const chatter = setInterval(() => talking.send('PING'), 50);
    cleanup.push(() => clearInterval(chatter));
    await sleep(800);
    expect(closed(talking)).toBe(false);
    expect(server.pings()).toBe(0);
  });
});
