import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore, type Store } from '@parley/db';
import type { ChatEvent } from '@parley/protocol';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultCoreConfig } from './core-config.js';
import { createServices, type Services } from './create-services.js';
import type { StreamConnection } from './stream-connection.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const REDELIVERY_MS = 100;

let dir: string;
let store: Store;
let services: Services;
let saturated = false;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parley-event-stream-test-'));
  store = openSqliteStore({ file: join(dir, 'parley.db') });
  services = createServices({
    store,
    config: {
      ...defaultCoreConfig(randomBytes(32)),
      bcryptCost: 4,
      redeliveryInitialMs: REDELIVERY_MS,
      redeliveryMaxMs: REDELIVERY_MS,
    },
    log: pino({ level: 'silent' }),
    load: { isSaturated: () => saturated },
  });
  await services.start();
});
afterAll(async () => {
  await services.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  saturated = false;
});

async function createUser(): Promise<string> {
  const id = randomUUID();
  await store.users.create({
    id,
    username: `u${id.slice(0, 8)}`,
    passwordHash: 'not-used',
    createdAt: Date.now(),
  });
  return id;
}

type Recorded = Array<{ id: string; event: ChatEvent }>;

/** Runs a stream of `userId` on `connection` in the background, recording what it yields. */
function record(userId: string, connection: StreamConnection | null, lastEventId: string | null) {
  const abort = new AbortController();
  const seen: Recorded = [];
  const done = (async () => {
    for await (const tracked of services.events.stream(
      userId,
      lastEventId,
      abort.signal,
      connection,
    )) {
      seen.push(tracked);
    }
  })();
  return {
    seen,
    stop: async () => {
      abort.abort();
      await done;
    },
  };
}

async function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await sleep(5);
  }
}

const connection = (buffered = 0): StreamConnection => ({ bufferedBytes: () => buffered });
const messageIds = (seen: Recorded) =>
  seen.flatMap(({ event }) => (event.type === 'message' ? [event.message.id] : []));

describe('EventStream', () => {
  describe('sent', () => {
    const statusesOf = (seen: Recorded, messageId: string) =>
      seen.flatMap(({ event }) =>
        event.type === 'status' && event.messageId === messageId ? [event.status] : [],
      );
    /** Alice and Bob both stream from their log's head; Alice sends Bob one message. */
    const aliceSendsBobWhileStreaming = async () => {
      const [alice, bob] = [await createUser(), await createUser()];
      const conversation = await services.conversations.open(alice, bob);
      const aliceStream = record(alice, connection(), String(await store.events.head(alice)));
      const bobStream = record(bob, connection(), String(await store.events.head(bob)));
      await sleep(20);
      const message = await services.messages.send(alice, conversation.id, randomUUID(), 'hi');
      return { alice, bob, aliceStream, bobStream, message };
    };

    it('a message acknowledged soon after its push goes from pending to delivered: no sent is written', async () => {
      const { alice, bob, aliceStream, bobStream, message } = await aliceSendsBobWhileStreaming();
      try {
        await until(() => messageIds(bobStream.seen).includes(message.id));
        await services.messages.ack(bob, [message.id]);
        await until(() => statusesOf(aliceStream.seen, message.id).includes('delivered'));
        await sleep(1000); // past the moment `sent` would have been recorded
        expect(statusesOf(aliceStream.seen, message.id)).toEqual(['delivered']);
        const log = await store.events.after(alice, 0, 1000);
        const statusRows = log.filter(
          (row) => row.type === 'status' && row.messageId === message.id,
        );
        expect(
          statusRows.map((row) => JSON.parse(row.payload ?? '{}') as { status: string }),
        ).toEqual([expect.objectContaining({ status: 'delivered' })]);
      } finally {
        await Promise.all([aliceStream.stop(), bobStream.stop()]);
      }
    });

    it('a message pushed but not acknowledged becomes sent for the sender', async () => {
      const { aliceStream, bobStream, message } = await aliceSendsBobWhileStreaming();
      try {
        await until(() => statusesOf(aliceStream.seen, message.id).includes('sent'), 3000);
        const [stored] = await store.messages.byIds([message.id]);
        expect(stored?.status).toBe('sent');
      } finally {
        await Promise.all([aliceStream.stop(), bobStream.stop()]);
      }
    });
  });

  it("does not send a message back to the connection that sent it; the user's other connections and a resume from the log get it", async () => {
    const [alice, bob] = [await createUser(), await createUser()];
    const conversation = await services.conversations.open(alice, bob);
    const head = String(await store.events.head(alice));
    const sending = connection();
    const own = record(alice, sending, head);
    const other = record(alice, connection(), head);
    try {
      await sleep(20);
      const first = await services.messages.send(
        alice,
        conversation.id,
        randomUUID(),
        'one',
        sending,
      );
      const second = await services.messages.send(
        alice,
        conversation.id,
        randomUUID(),
        'two',
        null,
      );
      await until(() => messageIds(other.seen).length === 2);
      await until(() => messageIds(own.seen).length === 1);
      expect(messageIds(other.seen)).toEqual([first.id, second.id]);
      // The sending connection gets only the message it did not send itself, under a later id.
      expect(messageIds(own.seen)).toEqual([second.id]);
      const ids = own.seen.map((tracked) => Number(tracked.id));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));

      // Status changes still reach the sending connection.
      await services.messages.ack(bob, [first.id]);
      await until(() =>
        own.seen.some(
          ({ event }) =>
            event.type === 'status' && event.messageId === first.id && event.status === 'delivered',
        ),
      );
    } finally {
      await Promise.all([own.stop(), other.stop()]);
    }
    // Resumed from before the send (the log is read), the sending session may see it too.
    const resumed = record(alice, connection(), head);
    try {
      await until(() => messageIds(resumed.seen).length === 2);
    } finally {
      await resumed.stop();
    }
  });

  it('holds redelivery back while the event loop is saturated or the connection is backed up', async () => {
    const [alice, bob] = [await createUser(), await createUser()];
    const conversation = await services.conversations.open(alice, bob);
    const cases: Array<{
      name: string;
      busy: StreamConnection;
      hold: () => void;
      release: () => void;
    }> = [];
    let buffered = 1024 * 1024;
    cases.push({
      name: 'saturated',
      busy: connection(),
      hold: () => (saturated = true),
      release: () => (saturated = false),
    });
    cases.push({
      name: 'backed up',
      busy: { bufferedBytes: () => buffered },
      hold: () => (buffered = 1024 * 1024),
      release: () => (buffered = 0),
    });
    for (const { name, busy, hold, release } of cases) {
      hold();
      const stream = record(bob, busy, null);
      try {
        await sleep(20);
        const message = await services.messages.send(
          alice,
          conversation.id,
          randomUUID(),
          name,
          null,
        );
        await until(() => messageIds(stream.seen).includes(message.id));
        await sleep(REDELIVERY_MS * 4);
        expect(
          messageIds(stream.seen).filter((id) => id === message.id),
          name,
        ).toHaveLength(1);
        release();
        await until(
          () => messageIds(stream.seen).filter((id) => id === message.id).length >= 2,
          REDELIVERY_MS * 10,
        );
        await services.messages.ack(bob, [message.id]);
      } finally {
        await stream.stop();
      }
    }
  });

  it('forgets an acknowledged message at once: no store read at its redelivery time, no re-push', async () => {
    const [alice, bob] = [await createUser(), await createUser()];
    const conversation = await services.conversations.open(alice, bob);
    const stream = record(bob, connection(), null);
    const byIds = vi.spyOn(store.messages, 'byIds');
    try {
      await sleep(20);
      const acked = await services.messages.send(alice, conversation.id, randomUUID(), 'a', null);
      const unacked = await services.messages.send(alice, conversation.id, randomUUID(), 'b', null);
      await until(() => messageIds(stream.seen).length === 2);
      await services.messages.ack(bob, [acked.id]);
      // The unacknowledged one is still pushed again (read back first, to see it is undelivered).
      await until(() => messageIds(stream.seen).length >= 3, REDELIVERY_MS * 10);
      await sleep(REDELIVERY_MS * 3);
      expect(messageIds(stream.seen).filter((id) => id === acked.id)).toHaveLength(1);
      expect(messageIds(stream.seen).filter((id) => id === unacked.id).length).toBeGreaterThan(1);
      const read = byIds.mock.calls.flatMap(([ids]) => ids);
      expect(read).toContain(unacked.id);
      expect(read).not.toContain(acked.id);
      await services.messages.ack(bob, [unacked.id]);
    } finally {
      byIds.mockRestore();
      await stream.stop();
    }
  });
});
