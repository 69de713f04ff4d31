import type { Message } from '@parley/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Outbox, type SendMessage } from './outbox.js';
import { memoryStorage } from './storage.js';
import { networkError, serverError } from '../test/test-errors.js';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A message of ours as the server stores it: `pending` until the peer has it. */
function ownMessage(
  fields: Pick<Message, 'id' | 'clientId' | 'conversationId' | 'body'> & Partial<Message>,
): Message {
  return {
    senderId: 'me',
    senderName: 'me',
    anonymized: false,
    createdAt: Date.now(),
    status: 'pending',
    deliveredAt: null,
    editedAt: null,
    deletedAt: null,
    replyTo: null,
    attachment: null,
    ...fields,
  };
}

/** A stand-in for the server's `messages.send`, deduplicating by clientId as the server does. */
function fakeServer() {
  const stored = new Map<string, Message>();
  const calls: string[] = [];
  const replies: Array<string | undefined> = [];
  let failures = 0;
  let failWith: () => Error = networkError;
  let hold: Promise<void> | null = null;
  const send: SendMessage = async ({ conversationId, clientId, body, replyToId }) => {
    calls.push(clientId);
    replies.push(replyToId);
    if (hold) await hold;
    if (failures > 0) {
      failures--;
      throw failWith();
    }
    let message = stored.get(clientId);
    if (!message) {
      message = ownMessage({ id: String(stored.size + 1), clientId, conversationId, body });
      stored.set(clientId, message);
    }
    return message;
  };
  return {
    send,
    stored,
    calls,
    replies,
    fail(times: number, error: () => Error = networkError) {
      failures = times;
      failWith = error;
    },
    holdUntil(promise: Promise<void>) {
      hold = promise;
    },
  };
}

/** An outbox whose send of 'hi' failed `failures` times over; its next retry is a minute away. */
async function outboxAfterFailedSend(failures: number) {
  const server = fakeServer();
  server.fail(failures);
  const outbox = new Outbox({
    storage: memoryStorage(),
    key: 'k',
    send: server.send,
    retryDelayMs: () => 60_000,
  });
  outbox.start();
  const entry = outbox.enqueue('conv', 'hi');
  await vi.waitFor(() => expect(outbox.get(entry.clientId)?.error).toBeTruthy());
  return { outbox, entry };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => {
  vi.useRealTimers();
});

describe('Outbox', () => {
  it('returns at once with status sending and a UUID clientId, then takes the server’s answer', async () => {
    const server = fakeServer();
    const outbox = new Outbox({ storage: memoryStorage(), key: 'k', send: server.send });
    outbox.start();
    const entry = outbox.enqueue('conv', 'hello');
    expect(entry.status).toBe('sending');
    expect(entry.clientId).toMatch(uuid);
    expect(entry.message).toBeNull();
    await vi.waitFor(() => expect(outbox.get(entry.clientId)?.status).toBe('pending'));
    expect(outbox.get(entry.clientId)?.message?.id).toBe('1');
  });

  it('retries with backoff until the server answers, with the same clientId, storing one message', async () => {
    const server = fakeServer();
    server.fail(3);
    const delays: number[] = [];
    const outbox = new Outbox({
      storage: memoryStorage(),
      key: 'k',
      send: server.send,
      retryDelayMs: (attempt) => {
        delays.push(attempt);
        return 5;
      },
    });
    outbox.start();
    const entry = outbox.enqueue('conv', 'hello');
    await vi.waitFor(() => expect(outbox.get(entry.clientId)?.status).toBe('pending'));
    expect(server.calls).toEqual([entry.clientId, entry.clientId, entry.clientId, entry.clientId]);
    expect(delays).toEqual([0, 1, 2]);
    expect(server.stored.size).toBe(1);
  });

  it('waits retryAfter seconds when rate limited', async () => {
    vi.useFakeTimers();
    const server = fakeServer();
    server.fail(1, () => serverError('TOO_MANY_REQUESTS', 'Slow down', { retryAfter: 7 }));
    const outbox = new Outbox({
      storage: memoryStorage(),
      key: 'k',
      send: server.send,
      retryDelayMs: () => 10,
    });
    outbox.start();
    const entry = outbox.enqueue('conv', 'hi');
    await vi.advanceTimersByTimeAsync(6_900);
    expect(server.calls).toHaveLength(1);
    expect(outbox.get(entry.clientId)?.error).toBe('Slow down');
    await vi.advanceTimersByTimeAsync(200);
    expect(server.calls).toHaveLength(2);
    expect(outbox.get(entry.clientId)?.status).toBe('pending');
  });

  it('fails for good on a permanent error and goes on with the next message', async () => {
    const server = fakeServer();
    server.fail(1, () => serverError('FORBIDDEN', 'You are not in this conversation'));
    const outbox = new Outbox({ storage: memoryStorage(), key: 'k', send: server.send });
    outbox.start();
    const first = outbox.enqueue('conv', 'one');
    const second = outbox.enqueue('conv', 'two');
    await vi.waitFor(() => expect(outbox.get(second.clientId)?.status).toBe('pending'));
    expect(outbox.get(first.clientId)).toMatchObject({
      status: 'failed',
      error: 'You are not in this conversation',
    });
  });

  it('rejects an empty or too long body locally, without a request', () => {
    const server = fakeServer();
    const outbox = new Outbox({ storage: memoryStorage(), key: 'k', send: server.send });
    outbox.start();
    expect(outbox.enqueue('conv', '   ')).toMatchObject({
      status: 'failed',
      error: 'A message cannot be empty',
    });
    expect(outbox.enqueue('conv', '😀'.repeat(5001)).status).toBe('failed');
    expect(outbox.enqueue('conv', '😀'.repeat(5000)).status).toBe('sending');
    expect(server.calls).toHaveLength(1);
  });

  it('sends the messages of one conversation one at a time, in order', async () => {
    const server = fakeServer();
    const outbox = new Outbox({ storage: memoryStorage(), key: 'k', send: server.send });
    outbox.start();
    const entries = Array.from({ length: 20 }, (_, i) =>
      outbox.enqueue(i % 2 ? 'a' : 'b', `m${i}`),
    );
    await vi.waitFor(() => expect(outbox.list().every((e) => e.status === 'pending')).toBe(true));
    const order = (conv: string) =>
      [...server.stored.values()].filter((m) => m.conversationId === conv).map((m) => m.body);
    expect(order('a')).toEqual(entries.filter((_, i) => i % 2).map((e) => e.body));
    expect(order('b')).toEqual(entries.filter((_, i) => !(i % 2)).map((e) => e.body));
  });

  it('persists entries so that a restart resumes the unsent ones (same clientId, one message)', async () => {
    const storage = memoryStorage();
    const server = fakeServer();
    server.fail(1_000_000);
    const first = new Outbox({ storage, key: 'k', send: server.send, retryDelayMs: () => 5 });
    first.start();
    const a = first.enqueue('conv', 'survives a restart');
    const b = first.enqueue('conv', 'me too');
    await settle();
    await first.flush();
    first.close(); // the process dies

    server.fail(0);
    const second = new Outbox({ storage, key: 'k', send: server.send });
    await second.load();
    expect(second.list().map((e) => [e.clientId, e.status])).toEqual([
      [a.clientId, 'sending'],
      [b.clientId, 'sending'],
    ]);
    second.start();
    await vi.waitFor(() => expect(second.list().every((e) => e.status === 'pending')).toBe(true));
    expect([...server.stored.values()].map((m) => [m.clientId, m.body])).toEqual([
      [a.clientId, 'survives a restart'],
      [b.clientId, 'me too'],
    ]);
    await second.flush();
    const stored = JSON.parse((await storage.getItem('k'))!) as { entries: { status: string }[] };
    expect(stored.entries.map((e) => e.status)).toEqual(['pending', 'pending']);
  });

  it('moves statuses forward only, also when a status event overtakes the answer', async () => {
    let release!: () => void;
    const server = fakeServer();
    server.holdUntil(new Promise<void>((resolve) => (release = resolve)));
    const outbox = new Outbox({ storage: memoryStorage(), key: 'k', send: server.send });
    outbox.start();
    const entry = outbox.enqueue('conv', 'race');
    expect(outbox.applyStatus(entry.clientId, 'sent')).toBe(true);
    release();
    await vi.waitFor(() => expect(outbox.get(entry.clientId)?.message).not.toBeNull());
    expect(outbox.get(entry.clientId)).toMatchObject({
      status: 'sent',
      message: { status: 'sent' },
    });
    expect(outbox.applyStatus(entry.clientId, 'pending')).toBe(false);
    expect(outbox.applyStatus(entry.clientId, 'delivered')).toBe(true);
    expect(outbox.applyStatus(entry.clientId, 'sent')).toBe(false);
    expect(outbox.get(entry.clientId)?.status).toBe('delivered');
    expect(server.calls).toHaveLength(1);
  });

  it('does not persist settled entries and bounds how many it keeps', async () => {
    const storage = memoryStorage();
    const server = fakeServer();
    const outbox = new Outbox({ storage, key: 'k', send: server.send, maxSettled: 2 });
    outbox.start();
    const entries = [1, 2, 3, 4].map((i) => outbox.enqueue('conv', `m${i}`));
    await vi.waitFor(() => expect(outbox.list().every((e) => e.status === 'pending')).toBe(true));
    for (const e of entries.slice(0, 3)) outbox.applyStatus(e.clientId, 'delivered');
    expect(outbox.list().map((e) => e.body)).toEqual(['m2', 'm3', 'm4']);
    await outbox.flush();
    const stored = JSON.parse((await storage.getItem('k'))!) as { entries: { body: string }[] };
    expect(stored.entries.map((e) => e.body)).toEqual(['m4']);
  });

  it('notifies listeners of every change', async () => {
    const server = fakeServer();
    const outbox = new Outbox({ storage: memoryStorage(), key: 'k', send: server.send });
    const seen: string[] = [];
    outbox.onChange((entries) => seen.push(entries.map((e) => e.status).join()));
    outbox.start();
    outbox.enqueue('conv', 'x');
    await vi.waitFor(() => expect(seen.at(-1)).toBe('pending'));
    expect(seen[0]).toBe('sending');
  });

  it('retries at once when told the connection is back, instead of waiting out the backoff', async () => {
    const { outbox, entry } = await outboxAfterFailedSend(1);
    outbox.retryNow();
    await vi.waitFor(() => expect(outbox.get(entry.clientId)?.status).toBe('pending'));
    outbox.close();
  });

  it('takes the server’s own report of a stored message as the answer (the answer itself was lost)', async () => {
    const { outbox, entry } = await outboxAfterFailedSend(1_000_000);
    const message = ownMessage({
      id: '9',
      clientId: entry.clientId,
      conversationId: 'conv',
      body: 'hi',
      status: 'sent',
    });
    expect(outbox.stored(message)).toBe(true);
    expect(outbox.get(entry.clientId)).toMatchObject({
      status: 'sent',
      error: null,
      message: { id: '9' },
    });
    expect(outbox.stored({ ...message, clientId: 'someone-else' })).toBe(false);
    outbox.close();
  });

  it('sends a reply with its replyToId, also after a restart, and plain messages without one', async () => {
    const server = fakeServer();
    const storage = memoryStorage();
    const first = new Outbox({ storage, key: 'k', send: server.send });
    const reply = first.enqueue('conv', 'answer', { replyToId: '17' });
    expect(reply.replyToId).toBe('17');
    await first.flush();
    first.close();
    const second = new Outbox({ storage, key: 'k', send: server.send });
    await second.load();
    second.start();
    second.enqueue('conv', 'plain');
    await vi.waitFor(() => expect(server.calls).toHaveLength(2));
    expect(server.replies).toEqual(['17', undefined]);
    expect(second.get(reply.clientId)?.replyToId).toBe('17');
  });

  it('a read event marks our stored messages up to that id read, not later ones nor failed ones', async () => {
    const server = fakeServer();
    const outbox = new Outbox({ storage: memoryStorage(), key: 'k', send: server.send });
    outbox.start();
    const [a, b, c] = ['one', 'two', 'three'].map((body) => outbox.enqueue('conv', body));
    const other = outbox.enqueue('elsewhere', 'four');
    await vi.waitFor(() => expect(outbox.get(other.clientId)?.status).toBe('pending'));
    await vi.waitFor(() => expect(outbox.get(c!.clientId)?.status).toBe('pending'));
    const idOf = (clientId: string) => outbox.get(clientId)?.message?.id ?? '';
    expect(outbox.applyRead('conv', idOf(b!.clientId))).toBe(true);
    expect([a, b, c, other].map((e) => outbox.get(e!.clientId)?.status)).toEqual([
      'read',
      'read',
      'pending',
      'pending',
    ]);
    expect(outbox.get(a!.clientId)?.message?.status).toBe('read');
    // again: nothing changes; a status event cannot move a read message back
    expect(outbox.applyRead('conv', idOf(b!.clientId))).toBe(false);
    expect(outbox.applyStatus(a!.clientId, 'delivered')).toBe(false);
    expect(outbox.get(a!.clientId)?.status).toBe('read');
  });

  it('an edit or delete of one of its messages shows in the entry', async () => {
    const server = fakeServer();
    const outbox = new Outbox({ storage: memoryStorage(), key: 'k', send: server.send });
    outbox.start();
    const entry = outbox.enqueue('conv', 'typo');
    await vi.waitFor(() => expect(outbox.get(entry.clientId)?.status).toBe('pending'));
    const stored = outbox.get(entry.clientId)!.message!;
    expect(outbox.updated({ ...stored, body: 'fixed', editedAt: 5, status: 'sent' })).toBe(true);
    expect(outbox.get(entry.clientId)?.body).toBe('fixed');
    expect(outbox.get(entry.clientId)?.message?.editedAt).toBe(5);
    expect(outbox.get(entry.clientId)?.message?.status).toBe('sent');
    // someone else's message with a clientId that happens to match is not ours
    expect(outbox.updated({ ...stored, id: 'other', body: '' })).toBe(false);
    expect(outbox.erase(stored.id, 9)).toBe(true);
    expect(outbox.get(entry.clientId)?.body).toBe('');
    expect(outbox.get(entry.clientId)?.message).toMatchObject({ body: '', deletedAt: 9 });
    expect(outbox.erase(stored.id, 10)).toBe(false);
    expect(JSON.stringify(outbox.list())).not.toContain('fixed');
  });
});
