import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Message } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { httpClient } from './clients.js';
import { startChildServer, type ChildServer } from './child-server.js';
import { postSend } from './send-burst.js';
import { temporaryDatabase, testDialect, type ServerEndpoint } from './start-test-server.js';
import { registerUser, type TestUser } from './test-users.js';

// Slow (about a minute): kill -9 of `node dist/main.js` during a burst of sends, ten times over,
// restarting on the same data and resending what got no answer with the same clientId. Then every
// message is stored exactly once, in the order each sender sent it. Runs when CI or
// PARLEY_SLOW_TESTS is set.
//
// It runs once per dialect project: on SQLite (the data directory) and, in the postgres project,
// on a fresh PostgreSQL database that the restarted processes share.

const slow = Boolean(process.env.CI || process.env.PARLEY_SLOW_TESTS);
if (!slow) console.warn('crash-durability test skipped: set PARLEY_SLOW_TESTS=1 (CI runs it)');

const CYCLES = 10;
const LANES = 8;

type Lane = {
  name: string;
  /** clientId and body of the send that has no answer yet (resent after a restart). */
  pending: { clientId: string; body: string } | null;
  next: number;
  answered: string[];
};

const serverView = (child: ChildServer): ServerEndpoint => ({
  url: child.url,
  wsUrl: `ws://127.0.0.1:${child.port}/trpc`,
});

/** Sends one message after another until the server stops answering (it was killed). */
async function runLane(lane: Lane, child: ChildServer, sender: TestUser, conversationId: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (;;) {
      lane.pending ??= { clientId: randomUUID(), body: `${lane.name} #${lane.next++}` };
      const outcome = await postSend(agent, child.url, sender.accessToken, {
        conversationId,
        ...lane.pending,
      });
      if (outcome.status === null) return; // killed: the send stays pending
      if (outcome.status !== 200) throw new Error(`unexpected HTTP ${outcome.status}`);
      lane.answered.push(lane.pending.clientId);
      lane.pending = null;
    }
  } finally {
    agent.destroy();
  }
}

async function allMessages(child: ChildServer, user: TestUser, conversationId: string) {
  const client = httpClient(serverView(child), { token: user.accessToken });
  const messages: Message[] = [];
  let before: string | null = null;
  do {
    const page = await client.messages.history.query({
      conversationId,
      limit: 100,
      ...(before === null ? {} : { before }),
    });
    messages.push(...page.messages);
    before = page.nextBefore;
  } while (before !== null);
  // Oldest first: ids are decimal and grow with every stored message.
  const byId = (a: Message, b: Message) =>
    a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return messages.sort(byId);
}

async function crashCycles(env: Record<string, string>) {
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-crash-'));
  let child = await startChildServer({ dataDir, env });
  try {
    const [alice, bob] = await Promise.all([
      registerUser(serverView(child), 'alice'),
      registerUser(serverView(child), 'bob'),
    ]);
    const { id: conversationId } = await alice.http.conversations.open.mutate({ userId: bob.id });
    const lanes: Lane[] = Array.from({ length: LANES }, (_, i) => ({
      name: `${i % 2 === 0 ? 'alice' : 'bob'}-${i}`,
      pending: null,
      next: 0,
      answered: [],
    }));
    /** Sends the kill caught without an answer (resent after the restart). */
    let interrupted = 0;
    const senderOf = (lane: Lane) => (lane.name.startsWith('alice') ? alice : bob);

    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const running = lanes.map((lane) => runLane(lane, child, senderOf(lane), conversationId));
      await new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * 400));
      child.process.kill('SIGKILL');
      expect(await child.exited).toBe('SIGKILL');
      await Promise.all(running);
      interrupted += lanes.filter((lane) => lane.pending !== null).length;
      child = await startChildServer({ dataDir, env });
    }
    // Last round: resend everything still unanswered, with the same clientId.
    for (const lane of lanes) {
      if (!lane.pending) continue;
      const outcome = await postSend(new Agent(), child.url, senderOf(lane).accessToken, {
        conversationId,
        ...lane.pending,
      });
      expect(outcome.status).toBe(200);
      lane.answered.push(lane.pending.clientId);
      lane.pending = null;
    }

    const stored = await allMessages(child, alice, conversationId);
    const attempted = lanes.reduce((sum, lane) => sum + lane.next, 0);
    const byClientId = new Map<string, number>();
    for (const message of stored)
      byClientId.set(message.clientId, (byClientId.get(message.clientId) ?? 0) + 1);
    const answered = lanes.flatMap((lane) => lane.answered);
    const lost = answered.filter((clientId) => !byClientId.has(clientId));
    const duplicated = [...byClientId].filter(([, count]) => count > 1);
    expect({ lost: lost.length, duplicated: duplicated.length }).toEqual({
      lost: 0,
      duplicated: 0,
    });
    expect(stored).toHaveLength(attempted);
    expect(attempted).toBeGreaterThan(LANES * CYCLES);
    expect(interrupted).toBeGreaterThan(CYCLES);
    for (const lane of lanes) {
      const inHistory = stored
        .filter((message) => message.body.startsWith(`${lane.name} #`))
        .map((message) => Number(message.body.split('#')[1]));
      expect(inHistory).toEqual(Array.from({ length: lane.next }, (_, i) => i));
    }
  } finally {
    child.process.kill('SIGKILL');
    await child.exited;
    await rm(dataDir, { recursive: true, force: true });
  }
}

describe.skipIf(!slow)('crash durability (slow)', () => {
  it(`${testDialect}: ${CYCLES} × kill -9 during a burst of sends — nothing lost, nothing doubled, order kept`, async () => {
    if (testDialect === 'sqlite') return crashCycles({});
    const database = await temporaryDatabase();
    try {
      await crashCycles({ DATABASE_URL: database.url });
    } finally {
      await database.drop();
    }
  }, 180_000);
});
