/**
 * The baseline: a minimal raw WebSocket relay (no auth, no storage, no acknowledgements). A client
 * connects as `/?user=<n>` and sends `<to> <payload>`; the relay forwards `<payload>` to user `to`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ChildAnswer, ChildReady, ChildRequest } from './ipc.js';
import { startRuntimeCounters } from './runtime-counters.js';

const readRuntime = startRuntimeCounters();

const sockets = new Map<string, WebSocket>();
const http = createServer();
const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
wss.on('connection', (ws, req) => {
  const user = new URL(req.url ?? '/', 'http://relay').searchParams.get('user') ?? '';
  sockets.set(user, ws);
  ws.on('message', (raw: Buffer) => {
    const text = raw.toString();
    const space = text.indexOf(' ');
    sockets.get(text.slice(0, space))?.send(text.slice(space + 1));
  });
  ws.on('close', () => sockets.delete(user));
  ws.on('error', () => undefined);
});
http.listen(0, '127.0.0.1', () => {
  process.send?.({ ready: true, port: (http.address() as AddressInfo).port } satisfies ChildReady);
});

process.on('message', (raw) => {
  const request = raw as ChildRequest;
  const memory = process.memoryUsage();
  const cpu = process.cpuUsage();
  process.send?.({
    id: request.id,
    ok: true,
    result: {
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      cpuUserMicros: cpu.user,
      cpuSystemMicros: cpu.system,
      connections: wss.clients.size,
      queueDepth: 0,
      // Answers 'runtime' too: one object for every request.
      ...readRuntime(),
    },
  } satisfies ChildAnswer);
});
process.once('disconnect', () => process.exit(0));
