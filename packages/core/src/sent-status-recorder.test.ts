import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore, type Store } from '@parley/db';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveEventFeed } from './live-event-feed.js';
import { SentStatusRecorder } from './sent-status-recorder.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SentStatusRecorder', () => {
  let dir: string;
  let store: Store;
  let feed: LiveEventFeed;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'parley-sent-status-'));
    store = openSqliteStore({ file: join(dir, 'parley.db') });
    feed = new LiveEventFeed(store.notifier);
  });
  afterEach(async () => {
    feed.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Alice sends Bob one message: pending. */
  const pendingMessage = async () => {
    const [alice, bob] = [randomUUID(), randomUUID()];
    for (const id of [alice, bob]) {
      await store.users.create({
        id,
        username: `u${id.slice(0, 8)}`,
        passwordHash: 'not-used',
        createdAt: Date.now(),
      });
    }
    const { conversationId } = await store.conversations.open(
      { id: randomUUID(), userA: alice, userB: bob, createdAt: Date.now() },
      bob,
    );
    const { message } = await store.messages.send({
      conversationId,
      clientId: randomUUID(),
      senderId: alice,
      recipientId: bob,
      body: 'hi',
      createdAt: Date.now(),
      status: 'pending',
    });
    return { alice, bob, message };
  };
  const statusOf = async (id: string) => (await store.messages.byIds([id]))[0]?.status;

  it('marks a pushed message sent after the delay, and announces it to the sender', async () => {
    const { alice, bob, message } = await pendingMessage();
    const published = vi.spyOn(feed, 'publish');
    const recorder = new SentStatusRecorder(store, feed, pino({ level: 'silent' }), 50);
    recorder.add(bob, [message.id]);
    expect(await statusOf(message.id)).toBe('pending');
    await sleep(300);
    expect(await statusOf(message.id)).toBe('sent');
    expect(published.mock.calls.flatMap(([appended]) => appended.map((e) => e.userId))).toEqual([
      alice,
    ]);
    recorder.close();
  });

  it('leaves a message acknowledged before the delay delivered, with no sent event', async () => {
    const { bob, message } = await pendingMessage();
    const published = vi.spyOn(feed, 'publish');
    const recorder = new SentStatusRecorder(store, feed, pino({ level: 'silent' }), 50);
    recorder.add(bob, [message.id]);
    await store.messages.markDelivered(bob, [message.id], Date.now());
    await sleep(300);
    expect(await statusOf(message.id)).toBe('delivered');
    expect(published).not.toHaveBeenCalled();
    recorder.close();
  });

  it('tries again next round when the write fails, and says so once', async () => {
    const { bob, message } = await pendingMessage();
    const markSent = vi
      .spyOn(store.messages, 'markSent')
      .mockRejectedValueOnce(new Error('SQLITE_BUSY (injected)'))
      .mockRejectedValueOnce(new Error('SQLITE_BUSY (injected)'));
    const warnings: unknown[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) });
    const recorder = new SentStatusRecorder(store, feed, log, 30);
    recorder.add(bob, [message.id]);
    await sleep(500);
    expect(markSent).toHaveBeenCalledTimes(3);
    expect(await statusOf(message.id)).toBe('sent');
    expect(warnings).toHaveLength(1);
    recorder.close();
  });
});
