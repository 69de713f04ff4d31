import { eq, sql } from 'drizzle-orm';
import type { AppendedEvent, NewEvent } from '../records.js';
import { events, users } from './schema.js';
import type { SqliteDatabase } from './sqlite-database.js';

/** Appends to users' event logs; call inside the transaction of the change being reported. */
export function appendEvents(
  db: SqliteDatabase,
  newEvents: NewEvent[],
  now: number,
): AppendedEvent[] {
  const appended: AppendedEvent[] = [];
  for (const event of newEvents) {
    const row = db
      .update(users)
      .set({ lastEventSeq: sql`${users.lastEventSeq} + 1` })
      .where(eq(users.id, event.userId))
      .returning({ seq: users.lastEventSeq })
      .get();
    if (!row) continue;
    db.insert(events)
      .values({
        userId: event.userId,
        seq: row.seq,
        type: event.type,
        messageId: event.messageId == null ? null : Number(event.messageId),
        conversationId: event.conversationId ?? null,
        payload: event.payload ?? null,
        createdAt: now,
      })
      .run();
    appended.push({ userId: event.userId, seq: row.seq });
  }
  return appended;
}
