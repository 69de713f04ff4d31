import type { ChatEvent } from '@parley/protocol';

/** Orders two event ids: decimal strings of any length (docs/api.md: per-user, increasing). */
export function compareEventIds(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

export interface LedgerSnapshot {
  /** The highest event id seen: `messages.events` resumes after it. */
  cursor: string | null;
  /** Ids of the most recent messages surfaced, oldest first. */
  seen: string[];
}

export interface LedgerDecision {
  /** Whether listeners should see this event (false for duplicates). */
  surface: boolean;
  /** The message to acknowledge, also for duplicates (the server re-pushes until it has the ack). */
  ack: string | null;
  /** Whether the cursor moved forward. */
  advanced: boolean;
}

/**
 * The client's view of its event log: the resume cursor and the dedupe memory.
 *
 * Event ids never decrease, so an id below the cursor is a replay, with one exception: the server re-pushes a
 * message that was not acknowledged yet under the id its stream has reached, so the same message can come again
 * under the cursor's id. Messages are therefore deduplicated by
 * message id (each surfaced once, every copy acknowledged again), other events by the cursor.
 */
export class EventLedger {
  private cursorId: string | null;
  private readonly seen = new Set<string>();

  constructor(
    private readonly selfId: string,
    snapshot: LedgerSnapshot | null = null,
    private readonly maxSeen = 2000,
  ) {
    this.cursorId = snapshot?.cursor ?? null;
    for (const id of snapshot?.seen ?? []) this.remember(id);
  }

  get cursor(): string | null {
    return this.cursorId;
  }

  accept(eventId: string, event: ChatEvent): LedgerDecision {
    const advanced = this.cursorId === null || compareEventIds(eventId, this.cursorId) > 0;
    if (advanced) this.cursorId = eventId;
    if (event.type !== 'message') return { surface: advanced, ack: null, advanced };
    const { message } = event;
    // Your own message from another session needs no ack; an anonymized sender (null) is still someone else.
    const ack = message.senderId === this.selfId ? null : message.id;
    if (this.seen.has(message.id)) return { surface: false, ack, advanced };
    this.remember(message.id);
    return { surface: true, ack, advanced };
  }

  snapshot(): LedgerSnapshot {
    return { cursor: this.cursorId, seen: [...this.seen] };
  }

  private remember(messageId: string): void {
    this.seen.add(messageId);
    if (this.seen.size > this.maxSeen) {
      const oldest = this.seen.values().next();
      if (!oldest.done) this.seen.delete(oldest.value);
    }
  }
}

/** Reads a stored snapshot defensively: anything malformed counts as no snapshot. */
export function parseLedgerSnapshot(value: unknown): LedgerSnapshot | null {
  if (typeof value !== 'object' || value === null) return null;
  const { cursor, seen } = value as { cursor?: unknown; seen?: unknown };
  if (cursor !== null && (typeof cursor !== 'string' || !/^\d+$/.test(cursor))) return null;
  const ids = Array.isArray(seen) ? seen.filter((id): id is string => typeof id === 'string') : [];
  return { cursor, seen: ids };
}
