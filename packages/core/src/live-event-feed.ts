import { EventEmitter } from 'node:events';
import type { AppendedEvent, Notifier } from '@parley/db';
import type { StreamConnection } from './stream-connection.js';

const eventTopic = (userId: string) => `events:${userId}`;

export type LiveEventListener = {
  /**
   * Events appended in this process, with their messages: render them without a read. `origin`
   * is the connection whose call appended them (null when it was not a WebSocket call).
   */
  events(appended: AppendedEvent[], origin: StreamConnection | null): void;
  /** The user's log reached `seq` (possibly in another process sharing the database). */
  grew(seq: number): void;
  /** Wake-ups from other processes may have been lost: the log may hold anything after the cursor. */
  resync(): void;
  /**
   * Messages to this user were acknowledged in this process (they are `delivered`): nothing to
   * push again. Acknowledgements in other processes are not announced; the store still says so.
   */
  delivered?(messageIds: string[]): void;
};

/**
 * Tells live streams that users' logs grew. Streams in this process get the appended events
 * themselves; the store's notifier carries a wake-up to other processes, whose streams read the log.
 * Publish only after the transaction that appended the events has committed.
 *
 * The notifier sees one subscription per user with live streams here (however many devices they
 * have) and one resync listener for the whole feed; both fan out to the streams in this process.
 */
export class LiveEventFeed {
  private readonly local = new EventEmitter();
  private readonly grown = new EventEmitter();
  private readonly deliveredTo = new EventEmitter();
  private readonly notifierSubscriptions = new Map<
    string,
    { streams: number; unsubscribe: () => void }
  >();
  private readonly resyncListeners = new Set<() => void>();
  private readonly stopResync: () => void;

  constructor(private readonly notifier: Notifier) {
    // One listener per live subscription: thousands are normal, not a leak.
    this.local.setMaxListeners(0);
    this.grown.setMaxListeners(0);
    this.deliveredTo.setMaxListeners(0);
    this.stopResync = notifier.onResync(() => {
      for (const listener of [...this.resyncListeners]) listener();
    });
  }

  publish(appended: AppendedEvent[], origin: StreamConnection | null = null): void {
    const byUser = new Map<string, AppendedEvent[]>();
    let delivered: Map<string, string[]> | null = null;
    for (const event of appended) {
      const events = byUser.get(event.userId);
      if (events) events.push(event);
      else byUser.set(event.userId, [event]);
      // The sender's `delivered` status event: the recipient's streams stop pushing it again.
      const message = event.message;
      if (event.type === 'status' && message?.status === 'delivered') {
        delivered ??= new Map();
        const ids = delivered.get(message.recipientId);
        if (ids) ids.push(message.id);
        else delivered.set(message.recipientId, [message.id]);
      }
    }
    if (delivered) {
      for (const [recipientId, ids] of delivered) this.deliveredTo.emit(recipientId, ids);
    }
    for (const [userId, events] of byUser) {
      this.local.emit(userId, events, origin);
      const newest = Math.max(...events.map((event) => event.seq));
      this.notifier.publish(eventTopic(userId), String(newest));
    }
  }

  subscribe(userId: string, listener: LiveEventListener): () => void {
    const onEvents = (events: AppendedEvent[], origin: StreamConnection | null) =>
      listener.events(events, origin);
    const onGrew = (seq: number) => listener.grew(seq);
    const onResync = () => listener.resync();
    const onDelivered = (messageIds: string[]) => listener.delivered?.(messageIds);
    this.local.on(userId, onEvents);
    this.grown.on(userId, onGrew);
    if (listener.delivered) this.deliveredTo.on(userId, onDelivered);
    this.resyncListeners.add(onResync);
    this.holdNotifierSubscription(userId);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      this.local.off(userId, onEvents);
      this.grown.off(userId, onGrew);
      this.deliveredTo.off(userId, onDelivered);
      this.resyncListeners.delete(onResync);
      this.releaseNotifierSubscription(userId);
    };
  }

  /** Live streams subscribed now (all users). */
  streamCount(): number {
    return this.resyncListeners.size;
  }

  /** Users whose topic this feed listens to on the notifier. */
  notifierTopicCount(): number {
    return this.notifierSubscriptions.size;
  }

  close(): void {
    this.stopResync();
    for (const subscription of this.notifierSubscriptions.values()) subscription.unsubscribe();
    this.notifierSubscriptions.clear();
  }

  private holdNotifierSubscription(userId: string): void {
    const existing = this.notifierSubscriptions.get(userId);
    if (existing) {
      existing.streams += 1;
      return;
    }
    const unsubscribe = this.notifier.subscribe(eventTopic(userId), (seq) => {
      const parsed = Number(seq);
      if (Number.isSafeInteger(parsed)) this.grown.emit(userId, parsed);
    });
    this.notifierSubscriptions.set(userId, { streams: 1, unsubscribe });
  }

  private releaseNotifierSubscription(userId: string): void {
    const subscription = this.notifierSubscriptions.get(userId);
    if (!subscription) return;
    subscription.streams -= 1;
    if (subscription.streams > 0) return;
    this.notifierSubscriptions.delete(userId);
    subscription.unsubscribe();
  }
}
