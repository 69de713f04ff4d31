import type { Store } from '@parley/db';
import type { LiveEventFeed } from './live-event-feed.js';
import type { Logger } from './logger.js';

/**
 * Records `sent` (pushed to a live connection of the recipient, not yet acknowledged) a little after
 * the push, in one batch for every stream of the process, and only for messages still `pending`
 * then. A recipient online acknowledges within that time, so the message goes from `pending`
 * straight to `delivered`: no status write, no `sent` event in the sender's log, no frame to the
 * sender for a state that lasted milliseconds (clients show `pending` and `sent` alike). A
 * recipient that does not acknowledge in time makes the sender see `sent` as before.
 */
export class SentStatusRecorder {
  /** recipientId → ids of messages pushed to them while pending. */
  private pushed = new Map<string, Set<string>>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** A failed write is said once per run of failures, not every round. */
  private failing = false;

  constructor(
    private readonly store: Store,
    private readonly feed: LiveEventFeed,
    private readonly log: Logger,
    /** How long after a push `sent` is recorded (ms). */
    private readonly delayMs = 500,
  ) {}

  /** Messages, pending until now, that were pushed to a live connection of the recipient. */
  add(recipientId: string, messageIds: readonly string[]): void {
    if (messageIds.length === 0 || this.closed) return;
    let ids = this.pushed.get(recipientId);
    if (!ids) this.pushed.set(recipientId, (ids = new Set()));
    for (const id of messageIds) ids.add(id);
    this.timer ??= setTimeout(() => void this.record(), this.delayMs);
  }

  /** Records the waiting `sent` marks now (the timer calls it; tests too). */
  async record(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pushed;
    this.pushed = new Map();
    const now = Date.now();
    await Promise.all(
      [...batch].map(async ([recipientId, ids]) => {
        try {
          const changes = await this.store.messages.markSent(recipientId, [...ids], now);
          for (const change of changes) {
            this.log.debug(
              {
                event: 'delivery',
                transition: 'sent',
                messageId: change.message.id,
                conversationId: change.message.conversationId,
                retries: 0,
              },
              'message pushed to the recipient',
            );
            this.feed.publish(change.appended);
          }
          this.failing = false;
        } catch (error) {
          // Only a status: the message itself is stored and redelivered until acknowledged. Tried
          // again next round (markSent changes only what is still pending).
          if (!this.failing) {
            this.log.warn(
              { event: 'sent-status-failed', err: error },
              'sent not recorded, retrying',
            );
          }
          this.failing = true;
          this.add(recipientId, [...ids]);
        }
      }),
    );
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pushed.clear();
  }
}
