import { eq, sql } from 'drizzle-orm';
import { toAppendedEvents } from '../appended-events.js';
import type { AppendedEvent, NewEvent } from '../records.js';
import { events } from './schema.js';
import type { SqliteDatabase } from './sqlite-database.js';

/**
 * Appends to users' event logs. Call inside the transaction of the change being reported; the
 * statements are prepared once on the connection, which transactions share.
 *
 * Event ids come from a counter per user kept here, read from the log on first use: one process
 * owns an SQLite database, and better-sqlite3 runs each transaction to its end before any other
 * code, so no one else can take an id meanwhile. An id taken by a transaction that rolls back is
 * skipped, never reused (streams take ids as increasing, not dense).
 */
export class EventAppender {
  private readonly lastSeq = new Map<string, number>();
  private readonly selectHead;
  private readonly insert;

  constructor(db: SqliteDatabase) {
    this.selectHead = db
      .select({ seq: sql<number | null>`max(${events.seq})` })
      .from(events)
      .where(eq(events.userId, sql.placeholder('userId')))
      .prepare();
    this.insert = db
      .insert(events)
      .values({
        userId: sql.placeholder('userId'),
        seq: sql.placeholder('seq'),
        type: sql.placeholder('type'),
        messageId: sql.placeholder('messageId'),
        conversationId: sql.placeholder('conversationId'),
        payload: sql.placeholder('payload'),
        createdAt: sql.placeholder('createdAt'),
      })
      .prepare();
  }

  /** The newest event id of the user's log (0 when empty). */
  head(userId: string): number {
    return this.lastSeq.get(userId) ?? this.selectHead.get({ userId })?.seq ?? 0;
  }

  append(newEvents: NewEvent[], now: number): AppendedEvent[] {
    const seqs = newEvents.map((event) => {
      const seq = this.head(event.userId) + 1;
      this.lastSeq.set(event.userId, seq);
      this.insert.run({
        userId: event.userId,
        seq,
        type: event.type,
        messageId: event.messageId == null ? null : Number(event.messageId),
        conversationId: event.conversationId ?? null,
        payload: event.payload ?? null,
        createdAt: now,
      });
      return seq;
    });
    return toAppendedEvents(newEvents, seqs, now);
  }
}
