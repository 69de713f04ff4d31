import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it as vitestIt } from 'vitest';
import { RecipientDeletedError } from '../recipient-deleted-error.js';
import { SenderUnknownError } from '../sender-unknown-error.js';
import type { Store } from '../store.js';
import { twoUsersInAConversation } from '../two-users-in-a-conversation.js';
import { dialects, type TestDatabase } from '../test-dialects.js';

const pg = dialects.find((dialect) => dialect.name === 'postgres')!;
const it = pg.available ? vitestIt : vitestIt.skip;

describe('erasing a message body (PostgreSQL)', () => {
  let database: TestDatabase;
  let store: Store;
  let sql: postgres.Sql;

  beforeAll(async () => {
    if (!pg.available) return;
    database = await pg.create();
    store = await database.open();
    sql = postgres(database.url!, { max: 1, onnotice: () => undefined });
  });
  afterAll(async () => {
    await sql?.end();
    await database?.dispose();
  });

  /** Where the live rows could still hold a word: bodies, search vectors (through the index), events. */
  const traces = async (word: string) => {
    const [rows] = await sql<Array<{ count: number }>>`
      SELECT count(*)::int AS count FROM messages WHERE body ILIKE ${`%${word}%`}`;
    const [events] = await sql<Array<{ count: number }>>`
      SELECT count(*)::int AS count FROM events WHERE payload ILIKE ${`%${word}%`}`;
    const [lexemes] = await sql<Array<{ count: number }>>`
      SELECT count(*)::int AS count FROM ts_stat('SELECT search FROM messages') WHERE word = ${word}`;
    // Through the GIN index itself, not a recheck of the rows.
    const indexed = await sql.begin(async (tx) => {
      await tx`SET LOCAL enable_seqscan = off`;
      const [row] = await tx<Array<{ count: number }>>`
        SELECT count(*)::int AS count FROM messages
        WHERE search @@ to_tsquery('parley_search', ${word})`;
      return row?.count ?? 0;
    });
    return {
      rows: rows?.count ?? 0,
      events: events?.count ?? 0,
      lexemes: lexemes?.count ?? 0,
      indexed,
    };
  };

  const conversation = async () => {
    const { a, b, conversationId } = await twoUsersInAConversation(store, 'b');
    const send = async (body: string) =>
      (
        await store.messages.send({
          conversationId,
          clientId: randomUUID(),
          senderId: a,
          recipientId: b,
          body,
          createdAt: 1,
          status: 'pending',
        })
      ).message;
    return { a, send };
  };

  it('takes deleted text out of the row, the search vector and its index in one transaction', async () => {
    const { a, send } = await conversation();
    const message = await send('the vault code is marmalade quixotic');
    expect(await traces('quixotic')).toEqual({ rows: 1, events: 0, lexemes: 1, indexed: 1 });
    await store.messages.delete({ messageId: message.id, senderId: a, at: 100 });
    expect(await traces('quixotic')).toEqual({ rows: 0, events: 0, lexemes: 0, indexed: 0 });
    expect(await traces('marmalade')).toEqual({ rows: 0, events: 0, lexemes: 0, indexed: 0 });
  });

  it('takes the text an edit replaced out of the row and the index', async () => {
    const { a, send } = await conversation();
    const message = await send('meet me at the obsidianwharf');
    await store.messages.edit({
      messageId: message.id,
      senderId: a,
      body: 'meet me at the station',
      at: 100,
    });
    expect(await traces('obsidianwharf')).toEqual({ rows: 0, events: 0, lexemes: 0, indexed: 0 });
    expect((await traces('station')).indexed).toBe(1);
  });
});

describe('a send while one of its two parties deletes their account (PostgreSQL)', () => {
  let database: TestDatabase;
  let store: Store;
  /** Holds the deletion's transaction open. */
  let deleter: postgres.Sql;
  /** Looks at PostgreSQL's lock table meanwhile. */
  let observer: postgres.Sql;

  beforeAll(async () => {
    if (!pg.available) return;
    database = await pg.create();
    store = await database.open();
    deleter = postgres(database.url!, { max: 1, onnotice: () => undefined });
    observer = postgres(database.url!, { max: 1, onnotice: () => undefined });
  });
  afterAll(async () => {
    await deleter?.end();
    await observer?.end();
    await database?.dispose();
  });

  /** Resolves once a statement waits for a lock; gives up when `stop()` says so. */
  const waitingForALock = async (stop: () => boolean) => {
    while (!stop()) {
      const [row] = await observer<Array<{ count: number }>>`
        SELECT count(*)::int AS count FROM pg_locks WHERE NOT granted`;
      if ((row?.count ?? 0) > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  /**
   * `party`'s account deletion has run its first statement and is held open while the other one
   * sends; what the send answers once the deletion commits, whether it waited for it, and how many
   * messages the conversation then holds.
   */
  const sendDuringDeletionOf = async (party: 'recipient' | 'sender') => {
    const { a, b, conversationId } = await twoUsersInAConversation(store);
    const leaving = party === 'recipient' ? b : a;
    let commitDeletion!: () => void;
    const committing = new Promise<void>((resolve) => (commitDeletion = resolve));
    let markedDeleted!: () => void;
    const marked = new Promise<void>((resolve) => (markedDeleted = resolve));
    const deletion = deleter.begin(async (tx) => {
      await tx`UPDATE users SET deleted_at = 2 WHERE id = ${leaving}`;
      markedDeleted();
      await committing;
    });
    await marked;

    const sending = store.messages
      .send({
        conversationId,
        clientId: randomUUID(),
        senderId: a,
        recipientId: b,
        body: 'are you still there?',
        createdAt: 2,
        status: 'pending',
      })
      .then(
        () => 'stored' as const,
        (error: unknown) => error,
      );
    // Read before the deletion commits, the account still looks live: the send must wait for it.
    let settled = false;
    const first = await Promise.race([
      sending.then(() => {
        settled = true;
        return 'send finished' as const;
      }),
      waitingForALock(() => settled).then(() => 'send waits' as const),
    ]);
    commitDeletion();
    await deletion;
    const outcome = await sending;
    const [stored] = await observer<Array<{ count: number }>>`
      SELECT count(*)::int AS count FROM messages WHERE conversation_id = ${conversationId}`;
    return { first, outcome, stored: stored?.count };
  };

  it('to an account being deleted is refused once the deletion commits, not left pending for ever', async () => {
    const { first, outcome, stored } = await sendDuringDeletionOf('recipient');
    expect(first).toBe('send waits');
    expect(outcome).toBeInstanceOf(RecipientDeletedError);
    expect(stored).toBe(0);
  });

  it('from an account being deleted is refused once the deletion commits, not stored after its anonymization', async () => {
    const { first, outcome, stored } = await sendDuringDeletionOf('sender');
    expect(first).toBe('send waits');
    expect(outcome).toBeInstanceOf(SenderUnknownError);
    expect(stored).toBe(0);
  });
});
