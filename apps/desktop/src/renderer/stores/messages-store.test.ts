import { createRoot } from 'solid-js';
import { describe, expect, it } from 'vitest';
import { createFakeClient, makeMessage } from '../test/fake-client';
import { createMessagesStore } from './messages-store';

function withStore(messageCount: number, pageSize: number) {
  const fake = createFakeClient({ user: { id: 'u-alice', username: 'alice', createdAt: 1 } });
  fake.data.historyPageSize = pageSize;
  fake.data.messages.c1 = Array.from({ length: messageCount }, (_, i) =>
    makeMessage({
      conversationId: 'c1',
      id: `m${String(i).padStart(3, '0')}`,
      body: `message ${i}`,
      createdAt: i,
    }),
  );
  let dispose = (): void => undefined;
  const store = createRoot((disposeRoot) => {
    dispose = disposeRoot;
    return createMessagesStore(fake.client, () => 'u-alice');
  });
  return { fake, store, dispose };
}

describe('messages store', () => {
  it('loads the newest page, then older pages in order, until the start', async () => {
    const { store, dispose } = withStore(25, 10);
    await store.load('c1');
    expect(store.items('c1').map((i) => i.body)).toEqual(
      Array.from({ length: 10 }, (_, i) => `message ${i + 15}`),
    );
    expect(await store.loadOlder('c1')).toBe(true);
    expect(await store.loadOlder('c1')).toBe(true);
    expect(store.thread('c1').nextBefore).toBeNull();
    expect(await store.loadOlder('c1')).toBe(false);
    expect(store.items('c1').map((i) => i.body)).toEqual(
      Array.from({ length: 25 }, (_, i) => `message ${i}`),
    );
    dispose();
  });

  it('pages back to a search hit', async () => {
    const { store, dispose } = withStore(40, 10);
    expect(await store.loadUntil('c1', 'm003')).toBe(true);
    expect(store.items('c1')[0]?.body).toBe('message 0');
    expect(await store.loadUntil('c1', 'nope')).toBe(false);
    dispose();
  });

  it('keeps live messages that arrive while the first page loads, without duplicates', async () => {
    const { store, dispose } = withStore(3, 10);
    const loading = store.load('c1');
    const live = makeMessage({ conversationId: 'c1', id: 'm999', body: 'live' });
    await loading;
    store.applyEvent({ type: 'message', message: live });
    store.applyEvent({ type: 'message', message: live });
    expect(store.items('c1').map((i) => i.body)).toEqual([
      'message 0',
      'message 1',
      'message 2',
      'live',
    ]);
    dispose();
  });

  it('never lets a late event lower a status (delivered stays delivered)', async () => {
    const { fake, store, dispose } = withStore(0, 10);
    await store.load('c1');
    const entry = fake.client.send('c1', 'hi');
    store.applyOutbox(fake.client.outbox());
    const stored = makeMessage({
      conversationId: 'c1',
      clientId: entry.clientId,
      senderId: 'u-alice',
      body: 'hi',
      status: 'pending',
    });
    store.applyEvent({
      type: 'status',
      conversationId: 'c1',
      messageId: stored.id,
      clientId: entry.clientId,
      status: 'delivered',
      at: 5,
    });
    fake.updateOutbox(entry.clientId, { status: 'sent', message: stored });
    store.applyOutbox(fake.client.outbox());
    expect(store.items('c1').map((i) => [i.body, i.status])).toEqual([['hi', 'delivered']]);
    dispose();
  });
});
