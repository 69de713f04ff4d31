import { and, desc, eq, isNull, lt, lte, sql } from 'drizzle-orm';
import { toAppendedEvents } from '../appended-events.js';
import { FileNotAttachableError } from '../file-not-attachable-error.js';
import { RecipientDeletedError } from '../recipient-deleted-error.js';
import { SenderUnknownError } from '../sender-unknown-error.js';
import type { AttachmentRecord, MessageRecord, NewEvent } from '../records.js';
import { parseSnippet, snippetMarkers } from '../search-snippet.js';
import { messageUpdatedEvents, readEvent, statusEvent } from '../status-event.js';
import type {
  MessageRepository,
  MessageSearchHit,
  MessageSearchQuery,
  MessageChange,
  ReadReceipt,
  SendResult,
  StatusChange,
} from '../store.js';
import { appendEvents, appendNewEventsCtes, seqsByOrd } from './pg-event-appender.js';
import {
  messageColumns,
  messageSelectList,
  messagesByIds,
  numericIds,
  selectMessagesByIds,
  toMessageRecord,
  type MessageRow,
} from './pg-message-columns.js';
import type { Sql, TransactionSql } from 'postgres';
import type { PgPool } from './pg-pool.js';
import type { ReadRouter } from './read-router.js';
import { messages, users } from './schema.js';
import { bodyTsQuery, ownerTsQuery } from './ts-query.js';

const headlineOptions = [
  `StartSel=${snippetMarkers.start}`,
  `StopSel=${snippetMarkers.end}`,
  'MaxWords=16',
  'MinWords=8',
].join(', ');

/** The payload of a status event, as `statusEvent` writes it. */
const statusPayload = (status: 'sent' | 'delivered', at: number): string =>
  JSON.stringify({ status, at });

/**
 * `changed_messages`: the rows of a CTE `changed` (an UPDATE … RETURNING * of messages) as
 * message records (the select list of `messageSelectList`).
 */
const statusEventCtes = `
  changed_messages AS (
    SELECT ${messageSelectList}
    FROM changed m LEFT JOIN users u ON u.id = m.sender_id
  )`;

/** What `changed_messages` reads of an updated message row. */
const changedColumns = (table: string) =>
  [
    'id',
    'conversation_id',
    'client_id',
    'sender_id',
    'recipient_id',
    'body',
    'created_at',
    'status',
    'delivered_at',
    'is_anonymized',
    'edited_at',
    'deleted_at',
    'reply_to_id',
  ]
    .map((column) => `${table}.${column}`)
    .join(', ');

type StatusChangeRow = MessageRow & { seq: number | null };

/** A changed message and its sender's status event (none for an anonymized sender). */
function toStatusChange(
  row: StatusChangeRow,
  status: 'sent' | 'delivered',
  at: number,
): StatusChange {
  const { seq, ...columns } = row;
  const message = toMessageRecord(columns);
  const newEvents = statusEvent(message, status, at);
  if (newEvents.length !== (seq === null ? 0 : 1)) {
    throw new Error('status event and stored status change disagree');
  }
  return { message, appended: seq === null ? [] : toAppendedEvents(newEvents, [seq], at) };
}

/** A row of the send statement: one per appended event, or a single one when nothing was stored. */
type SendRow = {
  /** Null: the sender is not a live account. */
  senderName: string | null;
  recipientLive: boolean;
  messageId: number | null;
  ord: number | null;
  seq: number | null;
};

const appendedSeqs = (rows: SendRow[]): Array<{ ord: number; seq: number }> =>
  rows.flatMap(({ ord, seq }) => (ord === null || seq === null ? [] : [{ ord, seq }]));

export class PgMessageRepository implements MessageRepository {
  constructor(
    private readonly pool: PgPool,
    private readonly reads: ReadRouter,
  ) {}

  async send(input: {
    conversationId: string;
    clientId: string;
    senderId: string;
    recipientId: string;
    body: string;
    createdAt: number;
    status: 'pending' | 'sent';
    replyToId?: string | null;
    fileId?: string | null;
  }): Promise<SendResult> {
    const { replyToId = null, fileId = null, ...row } = input;
    const replyTo = replyToId === null ? null : Number(replyToId);
    const sentAtOnce = input.status === 'sent';
    // The events, in the order of their `ord`: the recipient's, the sender's (their other sessions
    // learn of it too), and the sender's status change when the message is sent at once.
    const eventUsers = [input.recipientId, input.senderId];
    const eventTypes = ['message', 'message'];
    const eventPayloads: Array<string | null> = [null, null];
    if (sentAtOnce) {
      eventUsers.push(input.senderId);
      eventTypes.push('status');
      eventPayloads.push(statusPayload('sent', input.createdAt));
    }
    // One statement. The conversation's row is locked before the message takes its id, so the
    // sends of one conversation take ids in the order they commit: history (by id) and each
    // participant's event log (in commit order) show one and the same order. A concurrent
    // duplicate waits on the unique index until the first commits, then inserts nothing, and
    // appends nothing. `parties` reads both users; when either is not a live account, nothing is
    // locked, written or appended, and the single row returned says which. Both rows are
    // share-locked (the statement's first locks, so no deadlock with the ones after them): an
    // account deletion under way makes the send wait and then see the account gone, where an
    // unlocked read saw it live and stored a message that the deletion never saw (to a deleted
    // recipient: pending for ever, where the deletion marks pending messages failed; from a deleted
    // sender: after the deletion anonymized the sender's messages). A deletion that starts after
    // the locks waits for the send, then handles its message like the others.
    const insert = (sql: Sql | TransactionSql) =>
      sql<SendRow[]>`
        WITH parties AS (
          SELECT (SELECT username FROM users
                  WHERE id = ${input.senderId} AND deleted_at IS NULL
                  FOR SHARE) AS sender_name,
                 EXISTS (SELECT 1 FROM users
                         WHERE id = ${input.recipientId} AND deleted_at IS NULL
                         FOR SHARE) AS recipient_live
        ),
        locked AS (
          SELECT id FROM conversations
          WHERE id = ${input.conversationId}
            AND (SELECT sender_name IS NOT NULL AND recipient_live FROM parties)
          FOR NO KEY UPDATE
        ),
        inserted AS (
          INSERT INTO messages
            (conversation_id, client_id, sender_id, recipient_id, body, created_at, status,
             reply_to_id)
          SELECT locked.id, ${input.clientId}, ${input.senderId}, ${input.recipientId},
                 ${input.body}, ${input.createdAt}::int8, ${input.status}, ${replyTo}::int8
          FROM locked
          ON CONFLICT (conversation_id, client_id) DO NOTHING
          RETURNING id
        ),
        touched AS (
          UPDATE conversations c
          SET last_activity_at = GREATEST(c.last_activity_at, ${input.createdAt}::int8),
              last_message_id = COALESCE((SELECT id FROM inserted), c.last_message_id)
          FROM locked WHERE c.id = locked.id
        ),
        new_events AS (
          SELECT e.user_id, e.ord, e.type, inserted.id AS message_id,
                 ${input.conversationId}::text AS conversation_id, e.payload,
                 ${input.createdAt}::int8 AS created_at
          FROM inserted,
               unnest(${eventUsers}::text[], ${eventTypes}::text[], ${eventPayloads}::text[])
                 WITH ORDINALITY AS e(user_id, type, payload, ord)
        ),
        ${sql.unsafe(appendNewEventsCtes)}
        SELECT p.sender_name AS "senderName", p.recipient_live AS "recipientLive",
               inserted.id AS "messageId", s.ord, s.seq
        FROM parties p LEFT JOIN inserted ON true LEFT JOIN new_seqs s ON true
        ORDER BY s.ord`;
    let attachment: AttachmentRecord | null = null;
    const rows =
      fileId === null
        ? await this.pool.statement(insert)
        : // The attachment needs its own statement: both in one transaction, which a file that
          // cannot be attached rolls back (the hot path above stays one statement).
          await this.pool.statement((sql) =>
            sql.begin(async (tx) => {
              const insertedRows = await insert(tx);
              const messageId = insertedRows[0]?.messageId ?? null;
              // Refused parties or a repeated clientId: nothing to attach to.
              if (messageId === null) return insertedRows;
              const [file] = await tx<AttachmentRecord[]>`
                UPDATE files SET message_id = ${messageId}::int8,
                                 conversation_id = ${input.conversationId}
                WHERE id = ${fileId} AND uploader_id = ${input.senderId}
                  AND message_id IS NULL AND complete
                RETURNING id AS "fileId", name, size, content_type AS "contentType"`;
              if (!file) throw new FileNotAttachableError(fileId);
              attachment = file;
              return insertedRows;
            }),
          );
    const [first] = rows;
    if (!first) throw new Error('send returned no row');
    if (first.senderName === null) throw new SenderUnknownError(input.senderId);
    if (!first.recipientLive) throw new RecipientDeletedError(input.recipientId);
    const { senderName, messageId } = first;
    if (messageId === null) {
      // The clientId was used before in this conversation: answer with the stored message.
      const [stored] = await this.pool.statement(
        (sql) => sql<MessageRow[]>`
          SELECT ${sql.unsafe(messageSelectList)}
          FROM messages m LEFT JOIN users u ON u.id = m.sender_id
          WHERE m.conversation_id = ${input.conversationId} AND m.client_id = ${input.clientId}`,
      );
      if (!stored) throw new Error('message with a conflicting clientId not found');
      return { message: toMessageRecord(stored), created: false, appended: [] };
    }
    const message: MessageRecord = {
      ...row,
      id: String(messageId),
      senderName,
      anonymized: false,
      deliveredAt: null,
      editedAt: null,
      deletedAt: null,
      replyTo:
        replyTo === null
          ? null
          : ((await this.pool.statement((sql) => selectMessagesByIds(sql, [messageId])))[0]
              ?.replyTo ?? null),
      attachment,
    };
    const about = { messageId: message.id, conversationId: input.conversationId, message };
    const newEvents: NewEvent[] = [
      { userId: input.recipientId, type: 'message', ...about },
      { userId: input.senderId, type: 'message', ...about },
      ...(sentAtOnce ? statusEvent(message, 'sent', input.createdAt) : []),
    ];
    const appended = toAppendedEvents(
      newEvents,
      seqsByOrd(newEvents, appendedSeqs(rows)),
      input.createdAt,
    );
    return { message, created: true, appended };
  }

  async history(
    conversationId: string,
    before: string | null,
    limit: number,
  ): Promise<MessageRecord[]> {
    const beforeId = before === null ? null : Number(before);
    const rows = await this.reads.run((db) =>
      db
        .select(messageColumns)
        .from(messages)
        .leftJoin(users, eq(users.id, messages.senderId))
        .where(
          and(
            eq(messages.conversationId, conversationId),
            beforeId !== null && Number.isSafeInteger(beforeId)
              ? lt(messages.id, beforeId)
              : undefined,
          ),
        )
        .orderBy(desc(messages.id))
        .limit(limit),
    );
    return rows.reverse().map(toMessageRecord);
  }

  async byIds(ids: string[]): Promise<MessageRecord[]> {
    return this.pool.statement((sql) => selectMessagesByIds(sql, numericIds(ids)));
  }

  async markSent(recipientId: string, ids: string[], at: number): Promise<StatusChange[]> {
    const wanted = numericIds(ids);
    if (wanted.length === 0) return [];
    // One statement: the status change, the changed messages as they are now, and the senders'
    // status events.
    const rows = await this.pool.statement(
      (sql) => sql<StatusChangeRow[]>`
        WITH changed AS (
          UPDATE messages SET status = 'sent'
          WHERE recipient_id = ${recipientId} AND status = 'pending'
            AND id = ANY(${wanted}::int8[])
          RETURNING ${sql.unsafe(changedColumns('messages'))}
        ),
        ${sql.unsafe(statusEventCtes)},
        new_events AS (
          SELECT "senderId" AS user_id, id AS ord, 'status'::text AS type, id AS message_id,
                 "conversationId" AS conversation_id, ${statusPayload('sent', at)}::text AS payload,
                 ${at}::int8 AS created_at
          FROM changed_messages WHERE "senderId" IS NOT NULL AND NOT anonymized
        ),
        ${sql.unsafe(appendNewEventsCtes)}
        SELECT r.*, s.seq FROM changed_messages r LEFT JOIN new_seqs s ON s.message_id = r.id
        ORDER BY r.id`,
    );
    return rows.map((row) => toStatusChange(row, 'sent', at));
  }

  async markDelivered(
    recipientId: string,
    ids: string[],
    at: number,
  ): Promise<{ changed: StatusChange[]; delivered: string[] }> {
    const wanted = numericIds(ids);
    if (wanted.length === 0) return { changed: [], delivered: [] };
    // One statement. The requested rows are locked first, in id order, and read as they are once
    // locked (a concurrent acknowledgement of the same message has committed by then): those
    // pending or sent turn delivered now, and every one of them is delivered afterwards.
    const rows = await this.pool.statement(
      (sql) => sql<Array<Partial<StatusChangeRow> & { deliveredIds: string[] }>>`
        WITH locked AS (
          SELECT id, status FROM messages
          WHERE recipient_id = ${recipientId} AND id = ANY(${wanted}::int8[])
            AND status IN ('pending', 'sent', 'delivered')
          ORDER BY id
          FOR NO KEY UPDATE
        ),
        changed AS (
          UPDATE messages m SET status = 'delivered', delivered_at = ${at}::int8
          FROM locked WHERE m.id = locked.id AND locked.status IN ('pending', 'sent')
          RETURNING ${sql.unsafe(changedColumns('m'))}
        ),
        ${sql.unsafe(statusEventCtes)},
        new_events AS (
          SELECT "senderId" AS user_id, id AS ord, 'status'::text AS type, id AS message_id,
                 "conversationId" AS conversation_id,
                 ${statusPayload('delivered', at)}::text AS payload, ${at}::int8 AS created_at
          FROM changed_messages WHERE "senderId" IS NOT NULL AND NOT anonymized
        ),
        ${sql.unsafe(appendNewEventsCtes)}
        SELECT d.ids AS "deliveredIds", r.*, s.seq
        FROM (SELECT coalesce(array_agg(id::text ORDER BY id), '{}') AS ids FROM locked) d
        LEFT JOIN changed_messages r ON true
        LEFT JOIN new_seqs s ON s.message_id = r.id
        ORDER BY r.id`,
    );
    const changed = rows.flatMap((row) =>
      row.id == null ? [] : [toStatusChange(row as StatusChangeRow, 'delivered', at)],
    );
    return { changed, delivered: rows[0]?.deliveredIds ?? [] };
  }

  async edit(change: {
    messageId: string;
    senderId: string;
    body: string;
    at: number;
  }): Promise<MessageChange | null> {
    return this.rewrite(change, { body: change.body, editedAt: change.at });
  }

  async delete(change: {
    messageId: string;
    senderId: string;
    at: number;
  }): Promise<MessageChange | null> {
    // The generated search vector is recomputed from the empty body in the same statement.
    return this.rewrite(change, { body: '', deletedAt: change.at });
  }

  async markRead(
    recipientId: string,
    conversationId: string,
    upToMessageId: string,
    at: number,
  ): Promise<ReadReceipt> {
    const [upTo] = numericIds([upToMessageId]);
    if (upTo === undefined) return { upToMessageId: null, appended: [] };
    return this.pool.transaction(async (tx): Promise<ReadReceipt> => {
      const changed = await tx
        .update(messages)
        .set({ status: 'read', deliveredAt: sql`coalesce(${messages.deliveredAt}, ${at}::int8)` })
        .where(
          and(
            eq(messages.conversationId, conversationId),
            eq(messages.recipientId, recipientId),
            lte(messages.id, upTo),
            sql`${messages.status} IN ('pending', 'sent', 'delivered')`,
          ),
        )
        .returning({ id: messages.id, senderId: messages.senderId });
      if (changed.length === 0) return { upToMessageId: null, appended: [] };
      const newest = String(Math.max(...changed.map((row) => row.id)));
      // One sender per conversation; none once their account is anonymized.
      const senderId = changed.find((row) => row.senderId !== null)?.senderId ?? null;
      const appended =
        senderId === null
          ? []
          : await appendEvents(tx, [readEvent(senderId, conversationId, newest, at)], at);
      return { upToMessageId: newest, appended };
    });
  }

  /** An edit or a delete: the row changes and both participants' logs say so, atomically. */
  private async rewrite(
    change: { messageId: string; senderId: string; at: number },
    set: { body: string; editedAt?: number; deletedAt?: number },
  ): Promise<MessageChange | null> {
    const [id] = numericIds([change.messageId]);
    if (id === undefined) return null;
    return this.pool.transaction(async (tx): Promise<MessageChange | null> => {
      const changed = await tx
        .update(messages)
        .set(set)
        .where(
          and(
            eq(messages.id, id),
            eq(messages.senderId, change.senderId),
            isNull(messages.deletedAt),
          ),
        )
        .returning({ id: messages.id });
      if (changed.length === 0) return null;
      const [message] = await messagesByIds(tx, [id]);
      if (!message) throw new Error('message vanished after update');
      const appended = await appendEvents(
        tx,
        messageUpdatedEvents(message, change.senderId),
        change.at,
      );
      return { message, appended };
    });
  }

  async search(query: MessageSearchQuery): Promise<MessageSearchHit[]> {
    const body = bodyTsQuery(query.words);
    if (body === null) return [];
    const before = query.before === null ? null : Number(query.before);
    return this.reads.run(async (db) => {
      const rows = await db.execute<{ id: number; marked: string }>(sql`
        WITH q AS (SELECT to_tsquery('parley_search', ${body}) AS body),
        hits AS (
          SELECT m.id, m.body FROM messages m, q
          -- The owner's lexeme and the words in one index lookup: a word frequent elsewhere but
          -- rare in the caller's conversations costs what the caller's matches cost.
          WHERE m.search @@ (${ownerTsQuery(query.ownerId)}::tsquery && q.body)
            AND numnode(q.body) > 0
            ${before !== null && Number.isSafeInteger(before) ? sql`AND m.id < ${before}` : sql``}
            ${query.conversationId === null ? sql`` : sql`AND m.conversation_id = ${query.conversationId}`}
          ORDER BY m.id DESC
          LIMIT ${query.limit}
        )
        SELECT hits.id, ts_headline('parley_search', hits.body, q.body, ${headlineOptions}) AS marked
        FROM hits, q
        ORDER BY hits.id DESC`);
      const messagesById = new Map(
        (
          await messagesByIds(
            db,
            rows.map((row) => row.id),
          )
        ).map((message) => [message.id, message]),
      );
      return rows.flatMap((row) => {
        const message = messagesById.get(String(row.id));
        return message ? [{ message, ...parseSnippet(row.marked) }] : [];
      });
    });
  }

  async undeliveredCount(): Promise<number> {
    const [row] = await this.pool.run((db) =>
      db
        .select({ count: sql<number>`count(*)`.mapWith(Number) })
        .from(messages)
        .where(sql`${messages.status} IN ('pending', 'sent')`),
    );
    return row?.count ?? 0;
  }
}
