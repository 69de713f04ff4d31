import type { Message } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { createParleyClient } from './create-parley-client.js';
import type { ListenerErrorContext } from './listener-errors.js';
import type { ParleyClientOptions } from './parley-client.js';
import { eventually, password, sleep, username } from '../test/test-clients.js';
import { testEnvironment } from '../test/test-environment.js';

const env = testEnvironment();

async function pair(bobOptions: Partial<ParleyClientOptions> = {}) {
  const a = env.client(env.server.url);
  const b = env.client(env.server.url, bobOptions);
  await a.client.register(username('alice'), password);
  const bobName = username('bob');
  await b.client.register(bobName, password);
  const conversation = await a.client.api.conversations.open.mutate({ userId: b.user().id });
  await eventually(() => expect(b.client.connection().kind).toBe('online'));
  /** The status of A's message with this body, as A's outbox sees it. */
  const statusOf = (body: string) => a.client.outbox().find((e) => e.body === body)?.status;
  return { a, b, bobName, conversation, statusOf };
}

const bodyOf = (event: { type: string; message?: Message }) =>
  event.type === 'message' ? event.message?.body : undefined;

describe('listeners that fail', () => {
  it('a throwing or rejecting listener goes to onError; the other listeners and the stream carry on', async () => {
    const errors: { error: unknown; context: ListenerErrorContext }[] = [];
    const { a, b, conversation } = await pair({
      onError: (error, context) => errors.push({ error, context }),
    });
    b.client.onEvent(() => {
      throw new Error('sync failure');
    });
    b.client.onEvent(async () => {
      await sleep(1);
      throw new Error('async failure');
    });
    b.client.onConnectionChange(() => {
      throw new Error('connection listener failure');
    });

    a.client.send(conversation.id, 'one');
    a.client.send(conversation.id, 'two');
    // The recording listener (added first) still gets every message, in order.
    await eventually(() => expect(b.messages().map((m) => m.body)).toEqual(['one', 'two']));
    await eventually(() =>
      expect(errors.filter((e) => e.context.source === 'event')).toHaveLength(4),
    );
    const messages = errors.filter((e) => e.context.source === 'event');
    expect(messages.map((e) => (e.error as Error).message).sort()).toEqual([
      'async failure',
      'async failure',
      'sync failure',
      'sync failure',
    ]);
    expect(messages.every((e) => typeof e.context.eventId === 'string')).toBe(true);
    expect(messages.map((e) => bodyOf(e.context.event!))).toContain('one');

    b.client.reconnectNow();
    await eventually(() =>
      expect(errors.some((e) => e.context.source === 'connection')).toBe(true),
    );
    await eventually(() => expect(b.client.connection().kind).toBe('online'));
  });

  it('the default onError writes one [parley] line without the message', async () => {
    const { a, b, conversation } = await pair();
    const lines: unknown[][] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => lines.push(args);
    try {
      b.client.onEvent(() => {
        throw new Error('handler failed');
      });
      a.client.send(conversation.id, 'secret body');
      await eventually(() => expect(lines).toHaveLength(1));
    } finally {
      console.error = original;
    }
    expect(String(lines[0]![0])).toMatch(/^\[parley\] an event listener failed \(event \d+\):$/);
    expect((lines[0]![1] as Error).message).toBe('handler failed');
    expect(JSON.stringify(lines)).not.toContain('secret body');
    b.client.close(); // its failing listener would log again at the server's next push
  });

  it('auto: a message whose listener failed is not acknowledged and comes again', async () => {
    const { a, b, conversation, statusOf } = await pair({ onError: () => undefined });
    let attempts = 0;
    b.client.onEvent(async (event) => {
      if (bodyOf(event) !== 'retry me') return;
      attempts++;
      await sleep(10);
      if (attempts === 1) throw new Error('first attempt fails');
    });
    a.client.send(conversation.id, 'retry me');
    await eventually(() => expect(attempts).toBe(1));
    await sleep(1000);
    expect(statusOf('retry me')).toBe('sent'); // not acknowledged
    // The server pushes it again about 2 s after the first push.
    await eventually(() => expect(attempts).toBe(2), 10_000);
    await eventually(() => expect(statusOf('retry me')).toBe('delivered'));
    await sleep(2500);
    expect(attempts).toBe(2);
  });

  it('manual: only event.ack() acknowledges; a failed listener gets the message again, a successful one once', async () => {
    const { a, b, conversation, statusOf } = await pair({
      ack: 'manual',
      onError: () => undefined,
    });
    const seen = new Map<string, number>();
    let releaseHeld: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (releaseHeld = resolve));
    b.client.onEvent(async (event) => {
      const body = bodyOf(event);
      if (body === undefined) return;
      const count = (seen.get(body) ?? 0) + 1;
      seen.set(body, count);
      if (body === 'fails once') {
        if (count === 1) throw new Error('not this time');
        event.ack();
      }
      if (body === 'held') {
        await held; // the listener settles later; the ack comes later still
        await sleep(300);
        event.ack();
      }
    });
    a.client.send(conversation.id, 'fails once');
    a.client.send(conversation.id, 'held');
    a.client.send(conversation.id, 'never acked');
    await eventually(() => expect(seen.get('held')).toBe(1));
    await eventually(() => expect(seen.get('fails once')).toBe(2), 10_000);
    await eventually(() => expect(statusOf('fails once')).toBe('delivered'));

    // A re-push came meanwhile (the server pushes every 2 s, 4 s, …): neither held message was shown twice.
    expect(statusOf('held')).toBe('sent');
    expect(statusOf('never acked')).toBe('sent');
    releaseHeld();
    await sleep(100);
    expect(statusOf('held')).toBe('sent'); // settled, but not acknowledged yet
    await eventually(() => expect(statusOf('held')).toBe('delivered'));
    await sleep(2500);
    expect(seen.get('held')).toBe(1);
    expect(seen.get('never acked')).toBe(1);
    expect(statusOf('never acked')).toBe('sent');
  });

  it('a message whose listener never finished is replayed after a restart (the cursor waits for it)', async () => {
    const storage = env.fileStorage('restart-replay.json');
    const { a, b, bobName, conversation, statusOf } = await pair({ storage });
    let firstRun = 0;
    b.client.onEvent((event) => {
      if (bodyOf(event) === 'interrupted') {
        firstRun++;
        return new Promise(() => undefined); // the process "dies" while handling it
      }
    });
    a.client.send(conversation.id, 'after');
    a.client.send(conversation.id, 'interrupted');
    a.client.send(conversation.id, 'later');
    await eventually(() => expect(statusOf('later')).toBe('delivered'));
    expect(firstRun).toBe(1);
    // Pushed and never acknowledged: sent (recorded half a second after the push).
    await eventually(() => expect(statusOf('interrupted')).toBe('sent'));
    await b.client.flush();
    b.client.close();

    const again = env.client(env.server.url, { storage });
    expect((await again.client.restore())?.username).toBe(bobName);
    await eventually(() => expect(again.messages().map((m) => m.body)).toEqual(['interrupted']));
    await eventually(() => expect(statusOf('interrupted')).toBe('delivered'));
  });
});

describe('own messages', () => {
  it('isOwn tells them apart; skipOwnMessages keeps another session’s sends away from listeners', async () => {
    const { a, b, bobName, conversation } = await pair({ skipOwnMessages: true });
    const otherSession = env.client(env.server.url);
    await otherSession.client.login(bobName, password);
    otherSession.client.send(conversation.id, 'from my phone');
    a.client.send(conversation.id, 'from alice');
    await eventually(() =>
      expect(otherSession.messages().map((m) => m.body)).toEqual(['from alice']),
    );
    await eventually(() => expect(b.messages().map((m) => m.body)).toEqual(['from alice']));

    const watcher = env.client(env.server.url);
    await watcher.client.login(bobName, password);
    await eventually(() => expect(watcher.client.connection().kind).toBe('online'));
    otherSession.client.send(conversation.id, 'second from phone');
    const own = await eventually(() => {
      const found = watcher.events.find((e) => bodyOf(e.event) === 'second from phone');
      expect(found).toBeDefined();
      return found!.event;
    });
    expect(watcher.client.isOwn(own)).toBe(true);
    expect(a.client.isOwn(own)).toBe(false);
    await sleep(200);
    expect(b.messages().map((m) => m.body)).toEqual(['from alice']);
  });
});

describe('createParleyClient', () => {
  it('names the fix when there is no WebSocket (Node 20)', () => {
    expect(typeof (globalThis as { WebSocket?: unknown }).WebSocket).toBe('undefined');
    expect(() => createParleyClient({ url: env.server.url })).toThrow(
      /Node 20 has no global WebSocket: pass `WebSocket` from the `ws` package/,
    );
  });

  it('refuses an unknown ack mode', () => {
    expect(() =>
      createParleyClient({
        url: env.server.url,
        WebSocket: class {} as never,
        ack: 'later' as never,
      }),
    ).toThrow(/ack must be 'auto' or 'manual'/);
  });
});
