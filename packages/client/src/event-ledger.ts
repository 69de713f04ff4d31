import type { ChatEvent } from '@parley/protocol';

/** Orders two event ids: decimal strings of any length (docs/api.md: per-user, increasing). */
export function compareEventIds(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The id just before `eventId` (decimal strings can pass 2^53). */
function previousEventId(eventId: string): string {
  const value = BigInt(eventId);
  return String(value > 0n ? value - 1n : 0n);
}

export interface LedgerSnapshot {
  /** The highest event id seen. */
  cursor: string | null;
  /** Ids of the most recent messages handled, oldest first. */
  seen: string[];
  /** Incoming messages surfaced but not acknowledged yet, as [messageId, eventId], oldest first. */
  unsettled?: Array<[string, string]>;
}

export interface LedgerDecision {
  /** Whether listeners should see this event (false for duplicates). */
  surface: boolean;
  /** A copy of a message already handled: acknowledge it again (the server re-pushes until it has the ack). */
  ack: string | null;
  /** Whether the cursor moved forward. */
  advanced: boolean;
  /**
   * An incoming message handed to the listeners: call `settle(id)` once it is handled (then acknowledge it) or
   * `release(id)` when its handler failed (its next copy is surfaced again).
   */
  pending: string | null;
}

/**
 * The client's view of its event log: the cursor, the dedupe memory, and the incoming messages still in the
 * app's hands.
 *
 * Event ids never decrease, so an id below the cursor is a replay, with one exception: the server re-pushes a
 * message that was not acknowledged yet under the id its stream has reached, so the same message can come again
 * under the cursor's id. Messages are therefore deduplicated by message id (each surfaced once, every copy
 * acknowledged again), other events by the cursor. A message counts as seen only once it is handled: until then
 * it is "unsettled", and the stream resumes from just before the oldest unsettled message (`resumeCursor`), so a
 * message whose handler failed, or that a crash interrupted, is replayed after a reconnect or a restart.
 */
export class EventLedger {
  private cursorId: string | null;
  private readonly seen = new Set<string>();
  /** messageId → its event id, oldest first. */
  private readonly unsettled = new Map<string, string>();
  /** Unsettled messages whose handler is running, or that wait for a manual ack: their copies are dropped. */
  private readonly inHand = new Set<string>();

  constructor(
    private readonly selfId: string,
    snapshot: LedgerSnapshot | null = null,
    private readonly maxSeen = 2000,
    private readonly maxUnsettled = 1000,
  ) {
    this.cursorId = snapshot?.cursor ?? null;
    for (const id of snapshot?.seen ?? []) this.remember(id);
    for (const [messageId, eventId] of snapshot?.unsettled ?? []) {
      this.unsettled.set(messageId, eventId);
    }
  }

  /** The highest event id seen. */
  get cursor(): string | null {
    return this.cursorId;
  }

  /** Where `messages.events` resumes: the cursor, or just before the oldest message not handled yet. */
  get resumeCursor(): string | null {
    let oldest: string | null = null;
    for (const eventId of this.unsettled.values()) {
      if (oldest === null || compareEventIds(eventId, oldest) < 0) oldest = eventId;
    }
    if (oldest === null || this.cursorId === null) return this.cursorId;
    const before = previousEventId(oldest);
    return compareEventIds(before, this.cursorId) < 0 ? before : this.cursorId;
  }

  accept(eventId: string, event: ChatEvent): LedgerDecision {
    const advanced = this.cursorId === null || compareEventIds(eventId, this.cursorId) > 0;
    if (advanced) this.cursorId = eventId;
    if (event.type !== 'message') return { surface: advanced, ack: null, advanced, pending: null };
    const { message } = event;
    // Your own message from another session needs no ack; an anonymized sender (null) is still someone else.
    const incoming = message.senderId !== this.selfId;
    if (this.seen.has(message.id)) {
      return { surface: false, ack: incoming ? message.id : null, advanced, pending: null };
    }
    if (!incoming) {
      this.remember(message.id);
      return { surface: true, ack: null, advanced, pending: null };
    }
    if (this.inHand.has(message.id)) return { surface: false, ack: null, advanced, pending: null };
    this.inHand.add(message.id);
    this.unsettled.delete(message.id); // re-inserted: the newest last
    this.unsettled.set(message.id, eventId);
    while (this.unsettled.size > this.maxUnsettled) {
      const oldest = this.unsettled.keys().next();
      if (oldest.done) break;
      this.unsettled.delete(oldest.value);
    }
    return { surface: true, ack: null, advanced, pending: message.id };
  }

  /** The message is handled: remember it, stop holding the resume cursor back. False if it was not pending. */
  settle(messageId: string): boolean {
    const wasPending = this.inHand.delete(messageId) || this.unsettled.has(messageId);
    this.unsettled.delete(messageId);
    if (wasPending) this.remember(messageId);
    return wasPending;
  }

  /** The message's handler failed: its next copy (a re-push, a replay) is surfaced again. */
  release(messageId: string): void {
    this.inHand.delete(messageId);
  }

  /** Whether the message was surfaced and is not settled yet. */
  isPending(messageId: string): boolean {
    return this.inHand.has(messageId);
  }

  snapshot(): LedgerSnapshot {
    return { cursor: this.cursorId, seen: [...this.seen], unsettled: [...this.unsettled] };
  }

  private remember(messageId: string): void {
    this.seen.add(messageId);
    if (this.seen.size > this.maxSeen) {
      const oldest = this.seen.values().next();
      if (!oldest.done) this.seen.delete(oldest.value);
    }
  }
}

const isEventId = (value: unknown): value is string =>
  typeof value === 'string' && /^\d+$/.test(value);

/** Reads a stored snapshot defensively: anything malformed counts as no snapshot. */
export function parseLedgerSnapshot(value: unknown): LedgerSnapshot | null {
  if (typeof value !== 'object' || value === null) return null;
  const { cursor, seen, unsettled } = value as {
    cursor?: unknown;
    seen?: unknown;
    unsettled?: unknown;
  };
  if (cursor !== null && !isEventId(cursor)) return null;
  const ids = Array.isArray(seen) ? seen.filter((id): id is string => typeof id === 'string') : [];
  const pending = Array.isArray(unsettled)
    ? unsettled.filter(
        (entry): entry is [string, string] =>
          Array.isArray(entry) && typeof entry[0] === 'string' && isEventId(entry[1]),
      )
    : [];
  return { cursor, seen: ids, unsettled: pending };
}
