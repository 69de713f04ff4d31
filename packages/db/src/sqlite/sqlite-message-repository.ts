import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { FileNotAttachableError } from '../file-not-attachable-error.js';
import { RecipientDeletedError } from '../recipient-deleted-error.js';
import { SenderUnknownError } from '../sender-unknown-error.js';
import type { MessageRecord } from '../records.js';
import type {
  MessageRepository,
  MessageSearchHit,
  MessageSearchQuery,
  MessageChange,
  ReadReceipt,
  SendResult,
  StatusChange,
} from '../store.js';
import type { EventAppender } from './append-events.js';
import type { TransactionBatcher } from './transaction-batcher.js';
import { parseSnippet, snippetMarkers } from '../search-snippet.js';
import { ftsMatchExpression } from './fts-query.js';
import {
  idList,
  inIdList,
  messageColumns,
  prepareMessagesByIds,
  toMessageRecord,
} from './message-columns.js';
import { conversations, messages, users } from './schema.js';
import type { SqliteDatabase } from './sqlite-database.js';
import { attachSqliteFile } from './sqlite-file-repository.js';
import { messageUpdatedEvents, readEvent, statusEvent } from '../status-event.js';

/** Hot paths use statements prepared once per connection: building SQL per call costs more than running it. */
export class SqliteMessageRepository implements MessageRepository {
  private readonly selectParties;
  private readonly insertMessage;
  private readonly selectByClientId;
  private readonly touchConversation;
  private readonly selectByIds;
  private readonly selectHistory;
  private readonly markSentStatement;
  private readonly markDeliveredStatement;
  private readonly selectDelivered;
  private readonly editStatement;
  private readonly deleteStatement;
  private readonly markReadStatement;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly appender: EventAppender,
    private readonly batcher: TransactionBatcher,
    /**
     * Runs after a body was overwritten: takes the old page images out of the write-ahead log
     * (see openSqliteStore), so the erased text is gone from the files, not only from the tables.
     */
    private readonly afterErase: () => void = () => undefined,
  ) {
    // The live sender's name (no row: no such live sender) and whether the recipient is live.
    this.selectParties = db
      .select({
        senderName: users.username,
        recipientLive: sql<number>`EXISTS (
          SELECT 1 FROM users r
          WHERE r.id = ${sql.placeholder('recipientId')} AND r.deleted_at IS NULL
        )`,
      })
      .from(users)
      .where(and(eq(users.id, sql.placeholder('senderId')), isNull(users.deletedAt)))
      .prepare();
    this.insertMessage = db
      .insert(messages)
      .values({
        conversationId: sql.placeholder('conversationId'),
        clientId: sql.placeholder('clientId'),
        senderId: sql.placeholder('senderId'),
        recipientId: sql.placeholder('recipientId'),
        body: sql.placeholder('body'),
        createdAt: sql.placeholder('createdAt'),
        status: sql.placeholder('status'),
        replyToId: sql.placeholder('replyToId'),
      })
      .onConflictDoNothing({ target: [messages.conversationId, messages.clientId] })
      .returning({ id: messages.id })
      .prepare();
    this.selectByClientId = db
      .select(messageColumns)
      .from(messages)
      .leftJoin(users, eq(users.id, messages.senderId))
      .where(
        and(
          eq(messages.conversationId, sql.placeholder('conversationId')),
          eq(messages.clientId, sql.placeholder('clientId')),
        ),
      )
      .prepare();
    this.touchConversation = db
      .update(conversations)
      .set({
        lastMessageId: sql`${sql.placeholder('messageId')}`,
        lastActivityAt: sql`${sql.placeholder('at')}`,
      })
      .where(eq(conversations.id, sql.placeholder('conversationId')))
      .prepare();
    this.selectByIds = prepareMessagesByIds(db);
    this.selectHistory = db
      .select(messageColumns)
      .from(messages)
      .leftJoin(users, eq(users.id, messages.senderId))
      .where(
        and(
          eq(messages.conversationId, sql.placeholder('conversationId')),
          sql`${messages.id} < ${sql.placeholder('before')}`,
        ),
      )
      .orderBy(desc(messages.id))
      .limit(sql.placeholder('limit'))
      .prepare();
    this.markSentStatement = db
      .update(messages)
      .set({ status: 'sent' })
      .where(
        and(
          eq(messages.recipientId, sql.placeholder('recipientId')),
          eq(messages.status, 'pending'),
          inIdList('ids'),
        ),
      )
      .returning({ id: messages.id })
      .prepare();
    this.markDeliveredStatement = db
      .update(messages)
      .set({ status: 'delivered', deliveredAt: sql`${sql.placeholder('at')}` })
      .where(
        and(
          eq(messages.recipientId, sql.placeholder('recipientId')),
          sql`${messages.status} IN ('pending', 'sent')`,
          inIdList('ids'),
        ),
      )
      .returning({ id: messages.id })
      .prepare();
    this.selectDelivered = db
      .select({ id: messages.id })
      .from(messages)
      .where(
        and(
          eq(messages.recipientId, sql.placeholder('recipientId')),
          eq(messages.status, 'delivered'),
          inIdList('ids'),
        ),
      )
      .orderBy(messages.id)
      .prepare();
    // The sender's own message, not yet deleted: the only one an edit or a delete may change.
    const ownLiveMessage = and(
      eq(messages.id, sql.placeholder('id')),
      eq(messages.senderId, sql.placeholder('senderId')),
      sql`${messages.deletedAt} IS NULL`,
    );
    this.editStatement = db
      .update(messages)
      .set({ body: sql`${sql.placeholder('body')}`, editedAt: sql`${sql.placeholder('at')}` })
      .where(ownLiveMessage)
      .returning({ id: messages.id })
      .prepare();
    this.deleteStatement = db
      .update(messages)
      .set({ body: '', deletedAt: sql`${sql.placeholder('at')}` })
      .where(ownLiveMessage)
      .returning({ id: messages.id })
      .prepare();
    this.markReadStatement = db
      .update(messages)
      .set({
        status: 'read',
        deliveredAt: sql`coalesce(${messages.deliveredAt}, ${sql.placeholder('at')})`,
      })
      .where(
        and(
          eq(messages.conversationId, sql.placeholder('conversationId')),
          eq(messages.recipientId, sql.placeholder('recipientId')),
          sql`${messages.id} <= ${sql.placeholder('upTo')}`,
          sql`${messages.status} IN ('pending', 'sent', 'delivered')`,
        ),
      )
      .returning({ id: messages.id, senderId: messages.senderId })
      .prepare();
  }

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
    return this.batcher.run((): SendResult => {
      const parties = this.selectParties.get({
        senderId: input.senderId,
        recipientId: input.recipientId,
      });
      if (!parties) throw new SenderUnknownError(input.senderId);
      if (!parties.recipientLive) throw new RecipientDeletedError(input.recipientId);
      const senderName = parties.senderName;
      const inserted = this.insertMessage.get({ ...row, replyToId: replyTo });
      if (!inserted) {
        // The clientId was used before in this conversation: answer with the stored message.
        const stored = this.selectByClientId.get({
          conversationId: input.conversationId,
          clientId: input.clientId,
        });
        if (!stored) throw new Error('message with a conflicting clientId not found');
        return { message: toMessageRecord(stored), created: false, appended: [] };
      }
      const id = String(inserted.id);
      // Throwing rolls this unit (its savepoint) back: the message is not stored either.
      if (
        fileId !== null &&
        !attachSqliteFile(this.db, fileId, input.senderId, id, input.conversationId)
      ) {
        throw new FileNotAttachableError(fileId);
      }
      // Only a reply or an attachment has parts that the new row's own values do not give.
      const stored =
        replyTo === null && fileId === null
          ? null
          : this.selectByIds.all({ ids: idList([inserted.id]) }).map(toMessageRecord)[0];
      const message: MessageRecord = {
        ...row,
        id,
        senderName,
        anonymized: false,
        deliveredAt: null,
        editedAt: null,
        deletedAt: null,
        replyTo: stored?.replyTo ?? null,
        attachment: stored?.attachment ?? null,
      };

      this.touchConversation.run({
        messageId: inserted.id,
        at: input.createdAt,
        conversationId: input.conversationId,
      });
      const about = { messageId: message.id, conversationId: input.conversationId, message };
      const appended = this.appender.append(
        [
          { userId: input.recipientId, type: 'message', ...about },
          // The sender's other sessions learn of it too.
          { userId: input.senderId, type: 'message', ...about },
          ...(input.status === 'sent' ? statusEvent(message, 'sent', input.createdAt) : []),
        ],
        input.createdAt,
      );
      return { message, created: true, appended };
    });
  }

  async history(
    conversationId: string,
    before: string | null,
    limit: number,
  ): Promise<MessageRecord[]> {
    const beforeId = before === null ? Number.MAX_SAFE_INTEGER : Number(before);
    const rows = this.selectHistory.all({
      conversationId,
      before: Number.isSafeInteger(beforeId) ? beforeId : Number.MAX_SAFE_INTEGER,
      limit,
    });
    return Promise.resolve(rows.reverse().map(toMessageRecord));
  }

  async byIds(ids: string[]): Promise<MessageRecord[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return Promise.resolve(this.selectByIds.all({ ids: idList(ids) }).map(toMessageRecord));
  }

  async markSent(recipientId: string, ids: string[], at: number): Promise<StatusChange[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.batcher.run(() => {
      const changed = this.markSentStatement.all({ recipientId, ids: idList(ids) });
      return this.statusChanges(changed, 'sent', at);
    });
  }

  async markDelivered(
    recipientId: string,
    ids: string[],
    at: number,
  ): Promise<{ changed: StatusChange[]; delivered: string[] }> {
    const numericIds = ids.map(Number).filter(Number.isSafeInteger);
    if (numericIds.length === 0) return Promise.resolve({ changed: [], delivered: [] });
    return this.batcher.run(() => {
      const list = idList(numericIds);
      const changedIds = this.markDeliveredStatement.all({ recipientId, ids: list, at });
      const changed = this.statusChanges(changedIds, 'delivered', at);
      // The usual acknowledgement changes every id it names: then those are the delivered ones.
      const delivered =
        changedIds.length === new Set(numericIds).size
          ? changedIds
              .map((row) => row.id)
              .sort((a, b) => a - b)
              .map(String)
          : this.selectDelivered.all({ recipientId, ids: list }).map((row) => String(row.id));
      return { changed, delivered };
    });
  }

  async edit(change: {
    messageId: string;
    senderId: string;
    body: string;
    at: number;
  }): Promise<MessageChange | null> {
    return this.rewrite(this.editStatement, change);
  }

  async delete(change: {
    messageId: string;
    senderId: string;
    at: number;
  }): Promise<MessageChange | null> {
    return this.rewrite(this.deleteStatement, change);
  }

  async markRead(
    recipientId: string,
    conversationId: string,
    upToMessageId: string,
    at: number,
  ): Promise<ReadReceipt> {
    const upTo = Number(upToMessageId);
    if (!Number.isSafeInteger(upTo)) return Promise.resolve({ upToMessageId: null, appended: [] });
    return this.batcher.run((): ReadReceipt => {
      const changed = this.markReadStatement.all({ conversationId, recipientId, upTo, at });
      if (changed.length === 0) return { upToMessageId: null, appended: [] };
      const newest = String(Math.max(...changed.map((row) => row.id)));
      // One sender per conversation; none once their account is anonymized.
      const senderId = changed.find((row) => row.senderId !== null)?.senderId ?? null;
      const appended =
        senderId === null
          ? []
          : this.appender.append([readEvent(senderId, conversationId, newest, at)], at);
      return { upToMessageId: newest, appended };
    });
  }

  /** An edit or a delete: the row changes and both participants' logs say so, atomically. */
  private async rewrite(
    statement: typeof this.editStatement,
    change: { messageId: string; senderId: string; body?: string; at: number },
  ): Promise<MessageChange | null> {
    const id = Number(change.messageId);
    if (!Number.isSafeInteger(id)) return Promise.resolve(null);
    const result = this.db.transaction((): MessageChange | null => {
      const changed = statement.all({
        id,
        senderId: change.senderId,
        at: change.at,
        ...(change.body === undefined ? {} : { body: change.body }),
      });
      if (changed.length === 0) return null;
      const message = this.selectByIds.all({ ids: idList([id]) }).map(toMessageRecord)[0];
      if (!message) throw new Error('message vanished after update');
      const appended = this.appender.append(
        messageUpdatedEvents(message, change.senderId),
        change.at,
      );
      return { message, appended };
    });
    if (result !== null) this.afterErase();
    return Promise.resolve(result);
  }

  async search(query: MessageSearchQuery): Promise<MessageSearchHit[]> {
    const match = ftsMatchExpression(query.words, query.ownerId);
    if (match === null) return Promise.resolve([]);
    const before = query.before === null ? null : Number(query.before);
    const rows = this.db.all<{ id: number; marked: string }>(sql`
      SELECT f.rowid AS id,
             snippet(messages_fts, 0, ${snippetMarkers.start}, ${snippetMarkers.end}, '…', 16) AS marked
      FROM messages_fts f
      ${query.conversationId === null ? sql`` : sql`JOIN messages m ON m.id = f.rowid`}
      WHERE messages_fts MATCH ${match}
        ${before !== null && Number.isSafeInteger(before) ? sql`AND f.rowid < ${before}` : sql``}
        ${query.conversationId === null ? sql`` : sql`AND m.conversation_id = ${query.conversationId}`}
      ORDER BY f.rowid DESC
      LIMIT ${query.limit}`);
    const messagesById = new Map(
      this.selectByIds
        .all({ ids: idList(rows.map((row) => row.id)) })
        .map((row) => [row.id, toMessageRecord(row)]),
    );
    return Promise.resolve(
      rows.flatMap((row) => {
        const message = messagesById.get(row.id);
        return message ? [{ message, ...parseSnippet(row.marked) }] : [];
      }),
    );
  }

  async undeliveredCount(): Promise<number> {
    const row = this.db
      .select({ count: sql<number>`count(*)` })
      .from(messages)
      // A literal list, not parameters, so the planner can use the partial index of the queue.
      .where(sql`${messages.status} IN ('pending', 'sent')`)
      .get();
    return Promise.resolve(row?.count ?? 0);
  }

  private statusChanges(
    changedIds: Array<{ id: number }>,
    status: 'sent' | 'delivered',
    at: number,
  ): StatusChange[] {
    if (changedIds.length === 0) return [];
    return this.selectByIds.all({ ids: idList(changedIds.map((row) => row.id)) }).map((row) => {
      const message = toMessageRecord(row);
      return { message, appended: this.appender.append(statusEvent(message, status, at), at) };
    });
  }
}
