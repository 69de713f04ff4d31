import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { AppendedEvent, EventRecord, NewEvent } from '../records.js';
import type { EventRepository } from '../store.js';
import type { EventAppender } from './append-events.js';
import { events, users } from './schema.js';
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
  private readonly selectHead;

  constructor(
    private readonly db: SqliteDatabase,
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
    this.selectHead = db
      .select({ seq: users.lastEventSeq })
      .from(users)
      .where(eq(users.id, sql.placeholder('userId')))
      .prepare();
  }

  async after(userId: string, afterSeq: number, limit: number): Promise<EventRecord[]> {
    return Promise.resolve(
      this.selectAfter.all({ userId, after: afterSeq, limit }).map(toEventRecord),
    );
  }

  async head(userId: string): Promise<number> {
    return Promise.resolve(this.selectHead.get({ userId })?.seq ?? 0);
  }

  async undelivered(userId: string, afterSeq: number, limit: number): Promise<EventRecord[]> {
    const rows = this.db.all<{
      user_id: string;
      seq: number;
      type: 'message';
      message_id: number;
      conversation_id: string | null;
      payload: string | null;
      created_at: number;
    }>(sql`
      SELECT e.user_id, e.seq, e.type, e.message_id, e.conversation_id, e.payload, e.created_at
      FROM messages m
      JOIN events e ON e.message_id = m.id AND e.user_id = m.recipient_id AND e.type = 'message'
      WHERE m.recipient_id = ${userId} AND m.status IN ('pending', 'sent') AND e.seq > ${afterSeq}
      ORDER BY e.seq
      LIMIT ${limit}`);
    return Promise.resolve(
      rows.map((row) => ({
        userId: row.user_id,
        seq: row.seq,
        type: row.type,
        messageId: String(row.message_id),
        conversationId: row.conversation_id,
        payload: row.payload,
        createdAt: row.created_at,
      })),
    );
  }

  async append(newEvents: NewEvent[]): Promise<AppendedEvent[]> {
    const now = Date.now();
    return Promise.resolve(this.db.transaction(() => this.appender.append(newEvents, now)));
  }
}
