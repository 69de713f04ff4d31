import { sql } from 'drizzle-orm';
import { toAppendedEvents } from '../appended-events.js';
import type { AppendedEvent, NewEvent } from '../records.js';
import type { PgExecutor } from './pg-pool.js';
import { events, userEventHeads } from './schema.js';

/**
 * Appends to users' event logs inside the transaction of the change being reported.
 *
 * Ids come from each user's row in user_event_heads, moved forward by the appending transaction:
 * its row lock makes a second appender for the same user wait until the first commits, so a
 * user's ids become visible in increasing order and a reader tailing `seq > n` never skips one
 * that commits late. Appenders for other users are not blocked. Rows are locked in user id order,
 * so two transactions that append for the same two users cannot deadlock. An id taken by a
 * transaction that rolls back is not used (the head row rolls back with it).
 */
export async function appendEvents(
  tx: PgExecutor,
  newEvents: NewEvent[],
  now: number,
): Promise<AppendedEvent[]> {
  if (newEvents.length === 0) return [];
  const counts = new Map<string, number>();
  for (const event of newEvents) counts.set(event.userId, (counts.get(event.userId) ?? 0) + 1);
  const userIds = [...counts.keys()].sort();
  const heads = await tx.execute<{ user_id: string; last_seq: number }>(sql`
    INSERT INTO ${userEventHeads} (user_id, last_seq)
    SELECT user_id, n FROM unnest(${sql.param(userIds)}::text[], ${sql.param(
      userIds.map((id) => counts.get(id) ?? 0),
    )}::int8[]) AS added(user_id, n)
    ORDER BY user_id
    ON CONFLICT (user_id) DO UPDATE SET last_seq = ${userEventHeads.lastSeq} + excluded.last_seq
    RETURNING user_id, last_seq`);
  // The first id of each user's share: the new head minus what this append added, plus one.
  const next = new Map(
    heads.map((row) => [row.user_id, row.last_seq - (counts.get(row.user_id) ?? 0) + 1]),
  );
  const seqs = newEvents.map((event) => {
    const seq = next.get(event.userId);
    if (seq === undefined) throw new Error('event head missing after update');
    next.set(event.userId, seq + 1);
    return seq;
  });
  await tx.insert(events).values(
    newEvents.map((event, index) => ({
      userId: event.userId,
      seq: seqs[index] ?? 0,
      type: event.type,
      messageId: event.messageId == null ? null : Number(event.messageId),
      conversationId: event.conversationId ?? null,
      payload: event.payload ?? null,
      createdAt: now,
    })),
  );
  return toAppendedEvents(newEvents, seqs, now);
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
