import { sql } from 'drizzle-orm';
import { toAppendedEvents } from '../appended-events.js';
import type { AppendedEvent, NewEvent } from '../records.js';
import type { PgExecutor } from './pg-pool.js';

/**
 * The common tail of every statement that appends to users' event logs: it appends the rows of a
 * CTE named `new_events` (user_id text, ord int8, type text, message_id int8, conversation_id
 * text, payload text, created_at int8) that the statement defines before it, and leaves
 * `new_seqs` (those columns and the `seq` each row was given) for its final SELECT.
 *
 * Ids come from each user's row in user_event_heads, moved forward by the appending statement:
 * its row lock makes a second appender for the same user wait until the first commits, so a
 * user's ids become visible in increasing order and a reader tailing `seq > n` never skips one
 * that commits late. Appenders for other users are not blocked. Head rows are locked in user id
 * order, so two statements that append for the same two users cannot deadlock. Within a user,
 * rows take ids in `ord` order. An id taken by a transaction that rolls back is not used (the head
 * row rolls back with it).
 *
 * Plain SQL without parameters, so that it embeds in drizzle's `sql` and postgres.js's templates.
 */
export const appendNewEventsCtes = `
  numbered AS (
    SELECT e.*, row_number() OVER (PARTITION BY e.user_id ORDER BY e.ord) AS nth,
           count(*) OVER (PARTITION BY e.user_id) AS added
    FROM new_events e
  ),
  heads AS (
    INSERT INTO user_event_heads AS h (user_id, last_seq)
    SELECT user_id, max(added) FROM numbered GROUP BY user_id ORDER BY user_id
    ON CONFLICT (user_id) DO UPDATE SET last_seq = h.last_seq + excluded.last_seq
    RETURNING user_id, last_seq
  ),
  new_seqs AS (
    SELECT n.user_id, n.ord, n.type, n.message_id, n.conversation_id, n.payload, n.created_at,
           h.last_seq - n.added + n.nth AS seq
    FROM numbered n JOIN heads h USING (user_id)
  ),
  appended AS (
    INSERT INTO events (user_id, seq, type, message_id, conversation_id, payload, created_at)
    SELECT user_id, seq, type, message_id, conversation_id, payload, created_at FROM new_seqs
  )`;

/** The ids of `newEvents` from `new_seqs` rows ((ord, seq), ord counting from 1 in list order). */
export function seqsByOrd(
  newEvents: NewEvent[],
  rows: ReadonlyArray<{ ord: number; seq: number }>,
): number[] {
  const seqs = new Array<number | undefined>(newEvents.length);
  for (const row of rows) seqs[row.ord - 1] = row.seq;
  return newEvents.map((_, index) => {
    const seq = seqs[index];
    if (seq === undefined) throw new Error('an appended event got no id');
    return seq;
  });
}

/**
 * Appends to users' event logs inside the transaction of the change being reported: one statement
 * (see `appendNewEventsCtes`).
 */
export async function appendEvents(
  tx: PgExecutor,
  newEvents: NewEvent[],
  now: number,
): Promise<AppendedEvent[]> {
  if (newEvents.length === 0) return [];
  const column = <T>(pick: (event: NewEvent) => T) => sql.param(newEvents.map(pick));
  const rows = await tx.execute<{ ord: number; seq: number }>(sql`
    WITH new_events AS (
      SELECT e.user_id, e.ord, e.type, e.message_id, e.conversation_id, e.payload,
             ${now}::int8 AS created_at
      FROM unnest(
        ${column((event) => event.userId)}::text[],
        ${column((event) => event.type)}::text[],
        ${column((event) => (event.messageId == null ? null : Number(event.messageId)))}::int8[],
        ${column((event) => event.conversationId ?? null)}::text[],
        ${column((event) => event.payload ?? null)}::text[]
      ) WITH ORDINALITY AS e(user_id, type, message_id, conversation_id, payload, ord)
    ),
    ${sql.raw(appendNewEventsCtes)}
    SELECT ord, seq FROM new_seqs`);
  return toAppendedEvents(newEvents, seqsByOrd(newEvents, rows), now);
}

/**
 * Appends several groups of events in one pass (one sorted lock of the head rows) and returns the
 * appended events of each group.
 */
export async function appendEventGroups(
  tx: PgExecutor,
  groups: NewEvent[][],
  now: number,
): Promise<AppendedEvent[][]> {
  const appended = await appendEvents(tx, groups.flat(), now);
  let offset = 0;
  return groups.map((group) => {
    const own = appended.slice(offset, offset + group.length);
    offset += group.length;
    return own;
  });
}
