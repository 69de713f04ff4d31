import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { getTableConfig as getPgTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as getSqliteTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../postgres/open-postgres-store.js';
import * as pgSchema from '../postgres/schema.js';
import { openSqliteStore } from '../sqlite/open-sqlite-store.js';
import * as sqliteSchema from '../sqlite/schema.js';
import type { FileRecord } from '../records.js';
import type { Store } from '../store.js';
import {
  createTemporaryPostgresDatabase,
  type TemporaryPostgresDatabase,
} from '../testing/temporary-postgres-database.js';
import { testDatabaseUrl } from '../test-dialects.js';
import { copiedTables } from './copied-tables.js';
import {
  copySqliteToPostgres,
  SourceDatabaseError,
  TargetNotEmptyError,
  type CopyProgress,
  type CopySummary,
} from './copy-sqlite-to-postgres.js';

describe('copied tables', () => {
  it('cover every column of both schemas (except generated and derived ones)', () => {
    const copied = Object.fromEntries(
      copiedTables.map((table) => [table.name, table.columns.map(([name]) => name).sort()]),
    );
    const sqliteTables = Object.values(sqliteSchema)
      .filter((value) => value instanceof SQLiteTable)
      .map((table) => getSqliteTableConfig(table));
    expect(
      Object.fromEntries(sqliteTables.map((t) => [t.name, t.columns.map((c) => c.name).sort()])),
    ).toEqual(copied);
    const pgTables = Object.values(pgSchema)
      .filter((value) => value instanceof PgTable)
      .map((table) => getPgTableConfig(table))
      .filter((t) => !['user_event_heads', 'presence_leases', 'file_chunks'].includes(t.name));
    expect(
      Object.fromEntries(
        pgTables.map((t) => [
          t.name,
          t.columns
            // files.complete: an upload under way on PostgreSQL; every copied file is complete.
            .filter((c) => !c.generated && !(t.name === 'files' && c.name === 'complete'))
            .map((c) => c.name)
            .sort(),
        ]),
      ),
    ).toEqual(copied);
  });
});

describe('copySqliteToPostgres: not a Parley database', () => {
  it('refuses a missing file and a foreign SQLite file, before touching PostgreSQL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-copy-source-'));
    try {
      const unreachable = 'postgres://nobody@127.0.0.1:1/none';
      await expect(
        copySqliteToPostgres({ sqliteFile: join(dir, 'missing.db'), postgresUrl: unreachable }),
      ).rejects.toBeInstanceOf(SourceDatabaseError);
      const foreign = join(dir, 'foreign.db');
      new Database(foreign).exec('CREATE TABLE t (x)');
      await expect(
        copySqliteToPostgres({ sqliteFile: foreign, postgresUrl: unreachable }),
      ).rejects.toThrow(/not a Parley SQLite database/);
      writeFileSync(join(dir, 'text.db'), 'not a database at all, just text'.repeat(100));
      await expect(
        copySqliteToPostgres({ sqliteFile: join(dir, 'text.db'), postgresUrl: unreachable }),
      ).rejects.toBeInstanceOf(SourceDatabaseError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

type Row = Record<string, unknown>;

/** Every row of every copied table (and PostgreSQL's derived heads), as comparable values. */
async function dumpPostgres(url: string): Promise<Record<string, Row[]>> {
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    const dump: Record<string, Row[]> = {};
    for (const table of copiedTables) {
      const rows = await sql.unsafe<Row[]>(
        `SELECT ${table.columns.map(([name]) => `"${name}"`).join(', ')} FROM "${table.name}"`,
      );
      dump[table.name] = sortRows(
        rows.map((row) =>
          Object.fromEntries(
            table.columns.map(([name, type]) => {
              const value = row[name];
              if (value === null) return [name, null];
              if (type === 'bool') return [name, value ? 1 : 0];
              // int8 arrives as a string from a plain postgres.js client.
              if (type === 'int8') return [name, Number(value)];
              return [name, value];
            }),
          ),
        ),
      );
    }
    return dump;
  } finally {
    await sql.end();
  }
}

function dumpSqlite(file: string): Record<string, Row[]> {
  const db = new Database(file, { readonly: true });
  try {
    return Object.fromEntries(
      copiedTables.map((table) => [
        table.name,
        sortRows(
          db
            .prepare<[], Row>(
              `SELECT ${table.columns.map(([name]) => `"${name}"`).join(', ')} FROM "${table.name}"`,
            )
            .all(),
        ),
      ]),
    );
  } finally {
    db.close();
  }
}

const sortRows = (rows: Row[]): Row[] =>
  rows
    .map((row) => [JSON.stringify(row), row] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, row]) => row);

describe.skipIf(testDatabaseUrl === null)('copySqliteToPostgres', () => {
  let dir: string;
  let sqliteFile: string;
  let source: Store;
  let target: TemporaryPostgresDatabase;
  let copied: Store | null = null;
  let summary: CopySummary;
  const progress: CopyProgress[] = [];
  let sentDuringCopy: Promise<unknown> | null = null;
  /** The SQLite database's rows just before the copy began. */
  let snapshot: Record<string, Row[]>;
  const user = (name: string) => ({
    id: randomUUID(),
    username: `${name}-${randomUUID().slice(0, 6)}`,
    passwordHash: `$2a$04$${randomUUID()}`,
    createdAt: Date.now(),
  });
  const alice = user('Alice');
  const bob = user('bob');
  const carol = user('carol');
  const dave = user('dave');
  let aliceBob = '';
  let messageCount = 0;
  const fileBytes = Buffer.from(Array.from({ length: 700_000 }, (_, i) => (i * 13) % 251));
  const uploads: Array<{ record: FileRecord; bytes: Buffer }> = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'parley-copy-'));
    sqliteFile = join(dir, 'parley.db');
    source = openSqliteStore({ file: sqliteFile });
    for (const person of [alice, bob, carol, dave]) await source.users.create(person);
    await source.users.setLastSeen(bob.id, 1234);
    const open = async (a: typeof alice, b: typeof alice) =>
      (
        await source.conversations.open(
          { id: randomUUID(), userA: a.id, userB: b.id, createdAt: Date.now() },
          b.id,
        )
      ).conversationId;
    aliceBob = await open(alice, bob);
    const aliceCarol = await open(alice, carol);
    const daveBob = await open(dave, bob);
    const send = async (
      conversationId: string,
      from: typeof alice,
      to: typeof alice,
      body: string,
    ) => {
      messageCount += 1;
      return (
        await source.messages.send({
          conversationId,
          clientId: randomUUID(),
          senderId: from.id,
          recipientId: to.id,
          body,
          createdAt: 1_700_000_000_000 + messageCount,
          status: 'pending',
        })
      ).message;
    };
    // Enough rows for several batches; sent concurrently, as a busy server writes them.
    await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        send(aliceBob, i % 2 ? alice : bob, i % 2 ? bob : alice, `message ${i} about lemons`),
      ),
    );
    const cafe = await send(aliceCarol, alice, carol, 'Un café, s’il vous plaît (foo.bar)');
    const sent = await send(aliceBob, alice, bob, 'sent, then delivered');
    await source.messages.markSent(bob.id, [sent.id], Date.now());
    await source.messages.markDelivered(bob.id, [sent.id], Date.now());
    await source.messages.markSent(carol.id, [cafe.id], Date.now());
    await source.conversations.markRead(bob.id, aliceBob, sent.id);
    await send(daveBob, dave, bob, 'dave says hello');
    await send(daveBob, bob, dave, 'waiting for dave');
    // Deleted account: failed messages, peer-deleted events with payloads, anonymized rows.
    await source.sessions.create({
      id: randomUUID(),
      userId: dave.id,
      refreshTokenHash: `dave-${randomUUID()}`,
      createdAt: Date.now(),
      userAgent: 'test',
      ip: '127.0.0.1',
    });
    await source.users.deleteAccount(dave.id, Date.now());
    await source.users.anonymizeSentBatch(dave.id, Date.now(), 100);
    const session = {
      id: randomUUID(),
      userId: alice.id,
      refreshTokenHash: `alice-${randomUUID()}`,
      createdAt: Date.now(),
      userAgent: 'Mozilla/5.0',
      ip: '192.0.2.1',
    };
    await source.sessions.create(session);
    await source.sessions.rotate(session.id, session.refreshTokenHash, {
      refreshTokenHash: `alice-next-${randomUUID()}`,
      rotatedAt: Date.now(),
    });
    const limiter = source.createRateLimiter({ keyPrefix: 'login', points: 5, duration: 900 });
    await limiter.consume('192.0.2.1', 2);
    // The SQLite store writes its rate-limit counts every second.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    // Files: one over several 256 KiB chunks, one with the same bytes (one blob on SQLite), one sent.
    const upload = async (bytes: Buffer) =>
      source.files.create(
        {
          id: randomUUID(),
          uploaderId: alice.id,
          name: 'report.pdf',
          contentType: 'application/pdf',
          createdAt: Date.now(),
          limitBytes: 10 * 1024 * 1024,
        },
        (async function* () {
          yield await Promise.resolve(bytes);
        })(),
      );
    for (const bytes of [fileBytes, fileBytes, Buffer.from('hello')]) {
      uploads.push({ record: await upload(bytes), bytes });
    }
    await source.files.attachToMessage(uploads[2]!.record.id, alice.id, sent.id, aliceBob);

    target = await createTemporaryPostgresDatabase(testDatabaseUrl!, { synchronousCommit: false });
    snapshot = dumpSqlite(sqliteFile);
    // The SQLite store stays open: the copy reads a live database. A message sent while the copy
    // runs is committed after its snapshot and must not be copied (nor break the count check).
    summary = await copySqliteToPostgres({
      sqliteFile,
      postgresUrl: target.url,
      batchSize: 97,
      concurrency: 3,
      onProgress: (step) => {
        progress.push(step);
        if (step.table === 'messages' && sentDuringCopy === null) {
          sentDuringCopy = send(aliceBob, bob, alice, 'written during the copy');
        }
      },
    });
    await sentDuringCopy;
  }, 60_000);

  afterAll(async () => {
    await copied?.close();
    await source?.close();
    await target?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies every row of every table as it was in the snapshot', async () => {
    const copiedRows = await dumpPostgres(target.url);
    for (const table of copiedTables) {
      expect(copiedRows[table.name], table.name).toEqual(snapshot[table.name]);
    }
    expect(copiedRows.messages).toHaveLength(messageCount - 1);
    expect(copiedRows.messages!.some((row) => row.is_anonymized === 1)).toBe(true);
    expect(copiedRows.sessions!.some((row) => row.previous_token_hash !== null)).toBe(true);
    expect(copiedRows.events!.some((row) => row.payload !== null)).toBe(true);
    expect(copiedRows.read_markers).toHaveLength(1);
    expect(copiedRows.rate_limits).toHaveLength(1);
    // The message sent while the copy ran is in SQLite only.
    const bodies = (rows: Row[] | undefined) => rows!.map((row) => row.body);
    expect(bodies(dumpSqlite(sqliteFile).messages)).toContain('written during the copy');
    expect(bodies(copiedRows.messages)).not.toContain('written during the copy');
  });

  it('reports progress and a matching count per table', () => {
    const counts = Object.fromEntries(summary.tables.map((t) => [t.table, t]));
    for (const count of summary.tables) expect(count.target, count.table).toBe(count.source);
    expect(counts.messages?.source).toBe(messageCount - 1);
    expect(counts.users?.source).toBe(4);
    expect(counts.user_event_heads?.source).toBe(4);
    const last = progress.at(-1)!;
    expect(last.copied).toBe(last.total);
    expect(summary.rows).toBe(last.total);
    const messageSteps = progress.filter((step) => step.table === 'messages');
    expect(messageSteps.length).toBeGreaterThan(10);
    expect(messageSteps.at(-1)?.tableCopied).toBe(messageCount - 1);
  });

  it('behaves on PostgreSQL as it did on SQLite: ids continue, history, search, sessions', async () => {
    copied = await openPostgresStore({ url: target.url, poolSize: 2 });
    const sqliteCount = summary.tables.find((t) => t.table === 'messages')!.source;
    const maxId = String(sqliteCount); // ids 1…n, none deleted (the one sent meanwhile is n+1)
    expect(summary.nextMessageId).toBe(sqliteCount + 1);

    const [fromSqlite, fromPostgres] = await Promise.all([
      source.messages.history(aliceBob, maxId, 50),
      copied.messages.history(aliceBob, maxId, 50),
    ]);
    expect(fromPostgres).toEqual(fromSqlite);
    const search = (store: Store, words: string[]) =>
      store.messages.search({
        ownerId: carol.id,
        words,
        conversationId: null,
        before: null,
        limit: 10,
      });
    const hits = await search(copied, ['cafe']);
    expect(hits.map((hit) => hit.message.id)).toEqual(
      (await search(source, ['cafe'])).map((hit) => hit.message.id),
    );
    expect(hits).toHaveLength(1);
    expect((await search(copied, ['bar'])).map((hit) => hit.message.id)).toEqual(
      hits.map((hit) => hit.message.id),
    );

    // Bob sent the message written meanwhile: his unread counts are those of the snapshot.
    expect((await copied.conversations.listFor(bob.id)).map((c) => c.unreadCount).sort()).toEqual(
      (await source.conversations.listFor(bob.id)).map((c) => c.unreadCount).sort(),
    );

    // Event ids continue after each user's newest.
    const headOnSqlite = Math.max(
      ...snapshot.events!.filter((row) => row.user_id === alice.id).map((row) => Number(row.seq)),
    );
    expect(await copied.events.head(alice.id)).toBe(headOnSqlite);
    const [appended] = await copied.events.append([
      { userId: alice.id, type: 'conversation', conversationId: aliceBob },
    ]);
    expect(appended?.seq).toBe(headOnSqlite + 1);
    const next = await copied.messages.send({
      conversationId: aliceBob,
      clientId: randomUUID(),
      senderId: alice.id,
      recipientId: bob.id,
      body: 'first on PostgreSQL',
      createdAt: Date.now(),
      status: 'pending',
    });
    expect(Number(next.message.id)).toBe(sqliteCount + 1);

    const aliceSession = (await source.sessions.listLive(alice.id))[0]!;
    expect(await copied.sessions.findByRefreshHash(aliceSession.refreshTokenHash)).toEqual(
      aliceSession,
    );
    expect((await copied.users.findLiveByUsername(alice.username))?.passwordHash).toBe(
      alice.passwordHash,
    );
    const limiter = copied.createRateLimiter({ keyPrefix: 'login', points: 5, duration: 900 });
    expect((await limiter.get('192.0.2.1'))?.consumedPoints).toBe(2);
  });

  it('moves the bytes of every file into PostgreSQL, identical, with their rows', async () => {
    copied ??= await openPostgresStore({ url: target.url, poolSize: 2 });
    expect(summary.tables.find((t) => t.table === 'file_chunks')).toEqual({
      table: 'file_chunks',
      source: 3 + 3 + 1,
      target: 3 + 3 + 1,
    });
    for (const { record, bytes } of uploads) {
      const found = await copied.files.findById(record.id);
      expect(found).toEqual(await source.files.findById(record.id));
      const parts: Buffer[] = [];
      for await (const chunk of copied.files.read(found!)) parts.push(Buffer.from(chunk));
      expect(Buffer.concat(parts).equals(bytes)).toBe(true);
    }
    expect((await copied.files.findById(uploads[2]!.record.id))?.conversationId).toBe(aliceBob);
    expect(await copied.files.totals()).toEqual(await source.files.totals());
  });

  it('refuses a target that holds data, and leaves it as it was', async () => {
    const before = await dumpPostgres(target.url);
    const error = await copySqliteToPostgres({ sqliteFile, postgresUrl: target.url }).catch(
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(TargetNotEmptyError);
    expect((error as TargetNotEmptyError).tablesWithRows).toContain('users');
    expect(await dumpPostgres(target.url)).toEqual(before);
  });
});
