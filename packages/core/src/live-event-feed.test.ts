import { InProcessNotifier, type AppendedEvent, type MessageRecord } from '@parley/db';
import { describe, expect, it } from 'vitest';
import { LiveEventFeed, type LiveEventListener } from './live-event-feed.js';

/** The in-process notifier, counting what the feed asks of it. */
class CountingNotifier extends InProcessNotifier {
  subscriptions = 0;
  resyncListeners = new Set<() => void>();

  override subscribe(topic: string, listener: (message: string) => void): () => void {
    this.subscriptions += 1;
    const unsubscribe = super.subscribe(topic, listener);
    return () => {
      this.subscriptions -= 1;
      unsubscribe();
    };
  }

  override onResync(listener: () => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  resync(): void {
    for (const listener of this.resyncListeners) listener();
  }
}

function recorder(): LiveEventListener & { grown: number[]; resyncs: number } {
  const record = {
    grown: [] as number[],
    resyncs: 0,
    events: () => undefined,
    grew: (seq: number) => record.grown.push(seq),
    resync: () => (record.resyncs += 1),
  };
  return record;
}

describe('LiveEventFeed', () => {
  it('listens to the notifier once per user and once for resyncs, however many streams', () => {
    const notifier = new CountingNotifier();
    const feed = new LiveEventFeed(notifier);
    const streams = [recorder(), recorder(), recorder()];
    const other = recorder();
    const stops = streams.map((stream) => feed.subscribe('alice', stream));
    const stopOther = feed.subscribe('bob', other);
    expect(notifier.subscriptions).toBe(2);
    expect(notifier.resyncListeners.size).toBe(1);

    notifier.publish('events:alice', '7');
    expect(streams.map((stream) => stream.grown)).toEqual([[7], [7], [7]]);
    expect(other.grown).toEqual([]);

    notifier.resync();
    expect([...streams, other].map((stream) => stream.resyncs)).toEqual([1, 1, 1, 1]);

    stops[0]!();
    stops[0]!();
    expect(notifier.subscriptions).toBe(2);
    stops[1]!();
    stops[2]!();
    expect(notifier.subscriptions).toBe(1);
    notifier.publish('events:alice', '8');
    notifier.resync();
    expect(streams[0]!.grown).toEqual([7]);
    expect(streams[0]!.resyncs).toBe(1);
    expect(other.resyncs).toBe(2);

    stopOther();
    expect(notifier.subscriptions).toBe(0);
    feed.close();
    expect(notifier.resyncListeners.size).toBe(0);
  });

  it("tells the recipient's streams which of their messages were delivered", () => {
    const feed = new LiveEventFeed(new InProcessNotifier());
    const delivered: string[][] = [];
    const recipient = { ...recorder(), delivered: (ids: string[]) => delivered.push(ids) };
    const stop = feed.subscribe('bob', recipient);
    // Cast: only the fields the feed reads matter, whatever else a record carries.
    const message = (id: string, status: MessageRecord['status']) =>
      ({
        id,
        conversationId: 'c',
        clientId: id,
        senderId: 'alice',
        recipientId: 'bob',
        senderName: 'alice',
        anonymized: false,
        body: 'x',
        createdAt: 1,
        status,
        deliveredAt: status === 'delivered' ? 2 : null,
      }) as MessageRecord;
    const statusEvent = (seq: number, record: MessageRecord): AppendedEvent => ({
      seq,
      userId: 'alice',
      type: 'status',
      messageId: record.id,
      conversationId: 'c',
      payload: JSON.stringify({ status: record.status, at: 2 }),
      createdAt: 2,
      message: record,
    });
    feed.publish([statusEvent(1, message('m1', 'sent'))]);
    feed.publish([
      statusEvent(2, message('m1', 'delivered')),
      statusEvent(3, message('m2', 'delivered')),
    ]);
    expect(delivered).toEqual([['m1', 'm2']]);
    stop();
    feed.publish([statusEvent(4, message('m3', 'delivered'))]);
    expect(delivered).toHaveLength(1);
  });
});
