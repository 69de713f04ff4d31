import type { Database } from 'better-sqlite3';
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { AppendedEvent, EventRecord, NewEvent } from '../records.js';
import type { EventRepository } from '../store.js';
import type { EventAppender } from './append-events.js';
import { events } from './schema.js';
import type { SqliteDatabase } from './sqlite-database.js';

type EventRow = Omit<EventRecord, 'messageId'> & { messageId: number | null };

const toEventRecord = (row: EventRow): EventRecord => ({
  ...row,
  messageId: row.messageId === null ? null : String(row.messageId),
});

const eventColumns = {
  userId: events.userId,
  seq: events.seq,
  type: events.type,
  messageId: events.messageId,
  conversationId: events.conversationId,
  payload: events.payload,
  createdAt: events.createdAt,
};

export class SqliteEventRepository implements EventRepository {
  private readonly selectAfter;
  private readonly selectUndelivered;

  constructor(
    private readonly db: SqliteDatabase,
    client: Database,
    private readonly appender: EventAppender,
  ) {
    this.selectAfter = db
      .select(eventColumns)
      .from(events)
      .where(
        and(eq(events.userId, sql.placeholder('userId')), gt(events.seq, sql.placeholder('after'))),
      )
      .orderBy(asc(events.seq))
      .limit(sql.placeholder('limit'))
      .prepare();
    // Driven by the queue's partial index (CROSS JOIN keeps messages outermost): the user's log
    // may be long and their queue short.
    this.selectUndelivered = client.prepare<[string, number, number], EventRow>(`
      SELECT e.user_id AS userId, e.seq, e.type, e.message_id AS messageId,
             e.conversation_id AS conversationId, e.payload, e.created_at AS createdAt
      FROM messages m CROSS JOIN events e
      WHERE m.recipient_id = ? AND m.status IN ('pending', 'sent') AND m.id > ?
        AND e.message_id = m.id AND e.user_id = m.recipient_id AND e.type = 'message'
      ORDER BY m.id
      LIMIT ?`);
  }

  async after(userId: string, afterSeq: number, limit: number): Promise<EventRecord[]> {
    return Promise.resolve(
      this.selectAfter.all({ userId, after: afterSeq, limit }).map(toEventRecord),
    );
  }

  async head(userId: string): Promise<number> {
    return Promise.resolve(this.appender.head(userId));
  }

  async undelivered(
    userId: string,
    afterMessageId: string | null,
    limit: number,
  ): Promise<EventRecord[]> {
    const after = afterMessageId === null ? 0 : Number(afterMessageId);
    return Promise.resolve(this.selectUndelivered.all(userId, after, limit).map(toEventRecord));
  }

  async append(newEvents: NewEvent[]): Promise<AppendedEvent[]> {
    const now = Date.now();
    return Promise.resolve(this.db.transaction(() => this.appender.append(newEvents, now)));
  }
}
