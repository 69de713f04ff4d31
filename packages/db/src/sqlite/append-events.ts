import { eq, sql } from 'drizzle-orm';
import type { AppendedEvent, NewEvent } from '../records.js';
import { events, users } from './schema.js';
import type { SqliteDatabase } from './sqlite-database.js';

/**
 * Appends to users' event logs. Call inside the transaction of the change being reported; the
 * statements are prepared once on the connection, which transactions share.
 */
export class EventAppender {
  private readonly nextSeq;
  private readonly insert;

  constructor(db: SqliteDatabase) {
    this.nextSeq = db
      .update(users)
      .set({ lastEventSeq: sql`${users.lastEventSeq} + 1` })
      .where(eq(users.id, sql.placeholder('userId')))
      .returning({ seq: users.lastEventSeq })
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

  append(newEvents: NewEvent[], now: number): AppendedEvent[] {
    const appended: AppendedEvent[] = [];
    for (const event of newEvents) {
      const row = this.nextSeq.get({ userId: event.userId });
      if (!row) continue;
      this.insert.run({
        userId: event.userId,
        seq: row.seq,
        type: event.type,
        messageId: event.messageId == null ? null : Number(event.messageId),
        conversationId: event.conversationId ?? null,
        payload: event.payload ?? null,
        createdAt: now,
      });
      appended.push({
        userId: event.userId,
        seq: row.seq,
        type: event.type,
        messageId: event.messageId ?? null,
        conversationId: event.conversationId ?? null,
        payload: event.payload ?? null,
        createdAt: now,
        message: event.message ?? null,
      });
    }
    return appended;
  }
}
