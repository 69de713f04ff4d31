import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { httpClient } from './clients.js';
import { startChildServer } from './child-server.js';
import { startSendBurst, type SendOutcome } from './send-burst.js';
import {
  startTestServer,
  temporaryDatabase,
  testDialect,
  type ServerEndpoint,
} from './start-test-server.js';
import { registerUser } from './test-users.js';

// SIGTERM during a burst of sends: the server stops accepting, answers every request it has read,
// then exits. A request may be refused (never read: not stored), never cut after it was read.

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const until = async (condition: () => boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await sleep(10);
};

async function setUp(test: ServerEndpoint) {
  const [alice, bob] = await Promise.all([registerUser(test, 'alice'), registerUser(test, 'bob')]);
  const { id: conversationId } = await alice.http.conversations.open.mutate({ userId: bob.id });
  return { alice, conversationId };
}

/** Every clientId stored in the conversation, read after the server came back. */
async function storedClientIds(test: ServerEndpoint, token: string, conversationId: string) {
  const client = httpClient(test, { token });
  const ids = new Set<string>();
  let before: string | null = null;
  do {
    const page = await client.messages.history.query({
      conversationId,
      limit: 100,
      ...(before === null ? {} : { before }),
    });
    for (const message of page.messages) ids.add(message.clientId);
    before = page.nextBefore;
  } while (before !== null);
  return ids;
}

function judge(outcomes: SendOutcome[], stored: Set<string>) {
  const answered = outcomes.filter((o) => o.status !== null);
  const failed = outcomes.filter((o) => o.status === null);
  return {
    answered: answered.length,
    refused: failed.length,
    /** Read and stored by the server, but the client never got the answer. */
    cutAfterRead: failed.filter((o) => stored.has(o.clientId)).map((o) => o.error),
    notOk: answered.filter((o) => o.status !== 200).map((o) => o.status),
    answeredButLost: answered.filter((o) => o.status === 200 && !stored.has(o.clientId)).length,
  };
}

describe('graceful shutdown during a burst of HTTP sends', () => {
  it('close(): answers every request it read, refuses the rest', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'parley-shutdown-'));
    const test = await startTestServer({ dataDir, requestsPerMinute: 100_000 });
    cleanups.push(async () => {
      await test.dispose();
      await rm(dataDir, { recursive: true, force: true });
    });
    const { alice, conversationId } = await setUp(test);
    for (let round = 0; round < 3; round++) {
      const burst = startSendBurst({
        baseUrl: test.url,
        token: alice.accessToken,
        conversationId,
        concurrency: 32,
      });
      await until(() => burst.outcomes.length >= 150, 10_000);
      await test.server.close();
      await sleep(50);
      await burst.stop();
      await test.restart();
      const verdict = judge(
        burst.outcomes,
        await storedClientIds(test, alice.accessToken, conversationId),
      );
      expect(verdict.answered).toBeGreaterThanOrEqual(150);
      expect(verdict).toMatchObject({ cutAfterRead: [], notOk: [], answeredButLost: 0 });
    }
  }, 60_000);

  it('SIGTERM to `node dist/main.js`: answers every request it read, then exits 0', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'parley-sigterm-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    // The child and the server that checks what it stored share the database.
    const database = testDialect === 'postgres' ? await temporaryDatabase() : null;
    if (database) cleanups.push(() => database.drop());
    let port = 0;
    let alice: Awaited<ReturnType<typeof setUp>>['alice'] | undefined;
    let conversationId = '';
    for (let round = 0; round < 3; round++) {
      const child = await startChildServer({
        dataDir,
        port,
        env: database ? { DATABASE_URL: database.url } : {},
      });
      cleanups.push(async () => {
        child.process.kill('SIGKILL');
        await child.exited;
      });
      port = child.port;
      const view: ServerEndpoint = { url: child.url, wsUrl: `ws://127.0.0.1:${child.port}/trpc` };
      if (!alice) ({ alice, conversationId } = await setUp(view));
      const burst = startSendBurst({
        baseUrl: child.url,
        token: alice.accessToken,
        conversationId,
        concurrency: 32,
      });
      await until(() => burst.outcomes.length >= 150, 10_000);
      child.process.kill('SIGTERM');
      expect(await child.exited).toBe(0);
      await burst.stop();

      const check = await startTestServer({
        dataDir,
        requestsPerMinute: 100_000,
        ...(database ? { databaseUrl: database.url } : {}),
      });
      try {
        const verdict = judge(
          burst.outcomes,
          await storedClientIds(check, alice.accessToken, conversationId),
        );
        expect(verdict.answered).toBeGreaterThanOrEqual(150);
        expect(verdict).toMatchObject({ cutAfterRead: [], notOk: [], answeredButLost: 0 });
      } finally {
        await check.server.close();
      }
    }
  }, 90_000);
});
