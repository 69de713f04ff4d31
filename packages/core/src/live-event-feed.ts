import { EventEmitter } from 'node:events';
import type { AppendedEvent, Notifier } from '@parley/db';

const eventTopic = (userId: string) => `events:${userId}`;

export type LiveEventListener = {
  /** Events appended in this process, with their messages: render them without a read. */
  events(appended: AppendedEvent[]): void;
  /** The user's log reached `seq` (possibly in another process sharing the database). */
  grew(seq: number): void;
};

/**
 * Tells live streams that users' logs grew. Streams in this process get the appended events
 * themselves; the store's notifier carries a wake-up to other processes, whose streams read the log.
 * Publish only after the transaction that appended the events has committed.
 */
export class LiveEventFeed {
  private readonly local = new EventEmitter();

  constructor(private readonly notifier: Notifier) {
    // One listener per live subscription: thousands are normal, not a leak.
    this.local.setMaxListeners(0);
  }

  publish(appended: AppendedEvent[]): void {
    const byUser = new Map<string, AppendedEvent[]>();
    for (const event of appended) {
      const events = byUser.get(event.userId);
      if (events) events.push(event);
      else byUser.set(event.userId, [event]);
    }
    for (const [userId, events] of byUser) {
      this.local.emit(userId, events);
      const newest = Math.max(...events.map((event) => event.seq));
      this.notifier.publish(eventTopic(userId), String(newest));
    }
  }

  subscribe(userId: string, listener: LiveEventListener): () => void {
    const onEvents = (events: AppendedEvent[]) => listener.events(events);
    this.local.on(userId, onEvents);
    const unsubscribeNotifier = this.notifier.subscribe(eventTopic(userId), (seq) =>
      listener.grew(Number(seq)),
    );
    return () => {
      this.local.off(userId, onEvents);
      unsubscribeNotifier();
    };
  }
}
