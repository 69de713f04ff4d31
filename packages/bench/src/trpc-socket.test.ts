import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '@parley/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpCall } from './http-call.js';
import { TrpcCallError, TrpcSocket } from './trpc-socket.js';

type Auth = { user: { id: string }; accessToken: string };
let server: RunningServer;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'parley-bench-test-'));
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    bcryptCost: 4,
    logLevel: 'silent',
    webRoot: join(dataDir, 'none'),
  });
});
afterAll(async () => {
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('TrpcSocket (the raw tRPC wire protocol the generator speaks)', () => {
  it('authenticates, subscribes, sends and receives over a real server', async () => {
    const wsUrl = `${server.url.replace('http', 'ws')}/trpc`;
    const alice = await httpCall<Auth>(server.url, 'mutation', 'auth.register', {
      username: 'wire_alice',
      password: 'Wire-Protocol-1',
    });
    const bob = await httpCall<Auth>(server.url, 'mutation', 'auth.register', {
      username: 'wire_bob',
      password: 'Wire-Protocol-2',
    });
    const a = await TrpcSocket.open(wsUrl, alice.accessToken);
    const b = await TrpcSocket.open(wsUrl, bob.accessToken);
    try {
      const received: string[] = [];
      const gotIt = new Promise<void>((resolve) => {
        void b.subscribe('messages.events', {}, (data) => {
          const event = data as { type: string; message?: { body: string } };
          if (event.type === 'message' && event.message) {
            received.push(event.message.body);
            resolve();
          }
        });
      });
      const conversation = (await a.call('mutation', 'conversations.open', {
        userId: bob.user.id,
      })) as { id: string };
      await a.call('mutation', 'messages.send', {
        conversationId: conversation.id,
        clientId: randomUUID(),
        body: 'load 42',
      });
      await gotIt;
      expect(received).toEqual(['load 42']);
      await expect(a.call('query', 'no.such.procedure', {})).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      await expect(a.call('mutation', 'messages.send', { body: '' })).rejects.toBeInstanceOf(
        TrpcCallError,
      );
    } finally {
      a.close();
      b.close();
    }
  });
});
