import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../store.js';
import { openSqliteStore } from './open-sqlite-store.js';

const dirs: string[] = [];
const stores: Store[] = [];
const freshStore = () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-db-test-'));
  dirs.push(dir);
  const file = join(dir, 'nested', 'parley.db');
  const store = openSqliteStore({ file });
  stores.push(store);
  return { store, file };
};

afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const eventIds = async (store: Store, userId: string) =>
  (await store.events.after(userId, 0, 100)).map((event) => event.seq);

const user = (name: string) => ({
  id: randomUUID(),
  username: name,
  passwordHash: 'hash',
  createdAt: 1,
});

describe('openSqliteStore', () => {
  it('creates the file and its directory, migrates, and runs in WAL mode', async () => {
    const { store, file } = freshStore();
    await store.close();
    stores.pop();
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      const tables = raw
        .prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
        .all() as Array<{ name: string }>;
      expect(tables.map((table) => table.name)).toEqual(
        expect.arrayContaining([
          'users',
          'sessions',
          'messages',
          'events',
          'conversations',
          'messages_fts',
          'rate_limits',
        ]),
      );
    } finally {
      raw.close();
    }
    // Reopening applies nothing twice.
    const again = openSqliteStore({ file });
    stores.push(again);
    expect(await again.users.findById('nobody')).toBeNull();
  });

  it('treats usernames without regard to case, and releases them when the account is deleted', async () => {
    const { store } = freshStore();
    const alice = user('Alice');
    expect(await store.users.create(alice)).toBe(true);
    expect(await store.users.create(user('alice'))).toBe(false);
    expect((await store.users.findLiveByUsername('ALICE'))?.id).toBe(alice.id);
    expect(await store.users.deleteAccount(alice.id, 5)).not.toBeNull();
    expect(await store.users.findLiveByUsername('alice')).toBeNull();
    expect(await store.users.create(user('alice'))).toBe(true);
    expect(await store.users.deleteAccount(alice.id, 6)).toBeNull();
  });

  it('appends increasing per-user event ids in the transaction of the message', async () => {
    const { store } = freshStore();
    const [a, b] = [user('a1'), user('b1')];
    await store.users.create(a);
    await store.users.create(b);
    const { conversationId, appended: opened } = await store.conversations.open(
      { id: randomUUID(), userA: a.id, userB: b.id, createdAt: 1 },
      b.id,
    );
    expect(opened).toMatchObject([{ userId: b.id, seq: 1, type: 'conversation', conversationId }]);
    const sends = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.messages.send({
          conversationId,
          clientId: `c${i}`,
          senderId: a.id,
          recipientId: b.id,
          body: `m${i}`,
          createdAt: i,
          status: 'pending',
        }),
      ),
    );
    const bSeqs = sends.flatMap((send) =>
      send.appended.filter((e) => e.userId === b.id).map((e) => e.seq),
    );
    expect(bSeqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
    expect(await store.events.head(b.id)).toBe(21);
    const log = await store.events.after(b.id, 0, 100);
    expect(log.map((event) => event.type)).toEqual(['conversation', ...Array(20).fill('message')]);
    expect(log.slice(1).map((event) => event.messageId)).toEqual(
      sends.map((send) => send.message.id),
    );
  });

  it('continues each log after a restart, and never hands out an id twice', async () => {
    const { store, file } = freshStore();
    const [a, b] = [user('a5'), user('b5')];
    await store.users.create(a);
    await store.users.create(b);
    const { conversationId } = await store.conversations.open(
      { id: randomUUID(), userA: a.id, userB: b.id, createdAt: 1 },
      b.id,
    );
    const base = { conversationId, senderId: a.id, recipientId: b.id };
    const send = (target: Store, clientId: string) =>
      target.messages.send({ ...base, clientId, body: clientId, createdAt: 2, status: 'pending' });
    await send(store, 'one');
    // A write that fails in the middle of the batch leaves no hole the next one could misuse.
    await expect(
      store.messages.send({
        ...base,
        conversationId: 'missing',
        clientId: 'bad',
        body: 'x',
        createdAt: 2,
        status: 'pending',
      }),
    ).rejects.toThrow();
    await send(store, 'two');
    await store.close();
    stores.splice(stores.indexOf(store), 1);

    const reopened = openSqliteStore({ file });
    stores.push(reopened);
    expect(await reopened.events.head(b.id)).toBe((await eventIds(reopened, b.id)).at(-1));
    const third = await send(reopened, 'three');
    const seqs = await eventIds(reopened, b.id);
    expect(third.appended.find((e) => e.userId === b.id)?.seq).toBe(seqs.at(-1));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(seqs).toHaveLength(4); // conversation, one, two, three
  });

  it('isolates a failing write from the others batched into the same transaction', async () => {
    const { store } = freshStore();
    const [a, b] = [user('a2'), user('b2')];
    await store.users.create(a);
    await store.users.create(b);
    const { conversationId } = await store.conversations.open(
      { id: randomUUID(), userA: a.id, userB: b.id, createdAt: 1 },
      b.id,
    );
    const base = {
      conversationId,
      senderId: a.id,
      recipientId: b.id,
      createdAt: 1,
      status: 'pending' as const,
    };
    const results = await Promise.allSettled([
      store.messages.send({ ...base, clientId: 'ok-1', body: 'one' }),
      // A foreign key violation: no such conversation.
      store.messages.send({ ...base, conversationId: 'missing', clientId: 'bad', body: 'x' }),
      store.messages.send({ ...base, clientId: 'ok-2', body: 'two' }),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await store.messages.history(conversationId, null, 10)).map((m) => m.body)).toEqual([
      'one',
      'two',
    ]);
  });

  it('marks delivered only the recipient’s own undelivered messages', async () => {
    const { store } = freshStore();
    const [a, b] = [user('a3'), user('b3')];
    await store.users.create(a);
    await store.users.create(b);
    const { conversationId } = await store.conversations.open(
      { id: randomUUID(), userA: a.id, userB: b.id, createdAt: 1 },
      b.id,
    );
    const { message } = await store.messages.send({
      conversationId,
      clientId: 'x',
      senderId: a.id,
      recipientId: b.id,
      body: 'hi',
      createdAt: 1,
      status: 'pending',
    });
    expect(await store.messages.undeliveredCount()).toBe(1);
    expect((await store.messages.markDelivered(a.id, [message.id], 2)).delivered).toEqual([]);
    const byRecipient = await store.messages.markDelivered(b.id, [message.id, 'junk'], 3);
    expect(byRecipient.delivered).toEqual([message.id]);
    // The sender's log: 1 is their own copy of the message, 2 the status change.
    expect(byRecipient.changed[0]?.appended).toMatchObject([
      { userId: a.id, seq: 2, type: 'status', message: { status: 'delivered', deliveredAt: 3 } },
    ]);
    expect(await store.messages.undeliveredCount()).toBe(0);
    // Again: still delivered, no second status event.
    const again = await store.messages.markDelivered(b.id, [message.id], 4);
    expect(again).toEqual({ changed: [], delivered: [message.id] });
  });
});
