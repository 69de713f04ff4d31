import type { AppendedEvent, EventRecord, NewEvent } from '../records.js';
import type { EventRepository } from '../store.js';
import { appendEvents } from './pg-event-appender.js';
import type { PgPool } from './pg-pool.js';

type EventRow = Omit<EventRecord, 'messageId'> & { messageId: number | null };

const toEventRecord = (row: EventRow): EventRecord => ({
  ...row,
  messageId: row.messageId === null ? null : String(row.messageId),
});

/** An event row of `events e` as an EventRow. */
const eventSelectList = `
  e.user_id AS "userId", e.seq, e.type, e.message_id AS "messageId",
  e.conversation_id AS "conversationId", e.payload, e.created_at AS "createdAt"`;

/** The log is what live streams resume from: always read on the primary. */
export class PgEventRepository implements EventRepository {
  constructor(private readonly pool: PgPool) {}

  async after(userId: string, afterSeq: number, limit: number): Promise<EventRecord[]> {
    const rows = await this.pool.statement(
      (sql) => sql<EventRow[]>`
        SELECT ${sql.unsafe(eventSelectList)} FROM events e
        WHERE e.user_id = ${userId} AND e.seq > ${afterSeq}::int8
        ORDER BY e.seq
        LIMIT ${limit}::int8`,
    );
    return rows.map(toEventRecord);
  }

  async head(userId: string): Promise<number> {
    const [row] = await this.pool.statement(
      (sql) => sql<Array<{ lastSeq: number }>>`
        SELECT last_seq AS "lastSeq" FROM user_event_heads WHERE user_id = ${userId}`,
    );
    return row?.lastSeq ?? 0;
  }

  async undelivered(
    userId: string,
    afterMessageId: string | null,
    limit: number,
  ): Promise<EventRecord[]> {
    const after = afterMessageId === null ? 0 : Number(afterMessageId);
    const rows = await this.pool.statement(
      (sql) => sql<EventRow[]>`
        SELECT ${sql.unsafe(eventSelectList)}
        FROM messages m JOIN events e
          ON e.message_id = m.id AND e.user_id = m.recipient_id AND e.type = 'message'
        WHERE m.recipient_id = ${userId} AND m.status IN ('pending', 'sent')
          AND m.id > ${Number.isSafeInteger(after) ? after : 0}::int8
        ORDER BY m.id
        LIMIT ${limit}::int8`,
    );
    return rows.map(toEventRecord);
  }

  async append(newEvents: NewEvent[]): Promise<AppendedEvent[]> {
    const now = Date.now();
    return this.pool.transaction((tx) => appendEvents(tx, newEvents, now));
  }
}
