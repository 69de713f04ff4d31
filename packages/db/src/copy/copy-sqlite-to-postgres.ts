import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { FILE_CHUNK_BYTES } from '../postgres/pg-file-repository.js';
import { sqliteFilesDir } from '../sqlite/open-sqlite-store.js';
import { migratePostgres } from '../postgres/migrate-postgres.js';
import { PgPool } from '../postgres/pg-pool.js';
import { copiedTables, type CopiedTable } from './copied-tables.js';

export type CopyProgress = {
  table: string;
  /** Rows of `table` copied so far, of `tableTotal`. */
  tableCopied: number;
  tableTotal: number;
  /** Rows of every table copied so far, of `total`. */
  copied: number;
  total: number;
};

/** Rows of one table in the SQLite snapshot and in PostgreSQL after the copy. */
export type CopiedTableCount = { table: string; source: number; target: number };

export type CopySummary = {
  /**
   * Every copied table, plus `user_event_heads` (source: users with events) and `file_chunks`
   * (source: the 256 KiB chunks the files folder's blobs make).
   */
  tables: CopiedTableCount[];
  /** Rows copied, all tables together. */
  rows: number;
  /** The id the next new message gets on PostgreSQL. */
  nextMessageId: number;
  elapsedMs: number;
};

export type CopySqliteToPostgresOptions = {
  /** The SQLite database file; opened read-only. */
  sqliteFile: string;
  /** The folder of the uploaded files' blobs. @default `files` beside `sqliteFile` */
  filesDir?: string;
  /** postgres://… of an empty database (or one without tables); its migrations are applied. */
  postgresUrl: string;
  /** Rows per INSERT (each its own transaction). @default 2000 */
  batchSize?: number;
  /** INSERTs in flight at once. @default 2 */
  concurrency?: number;
  onProgress?: (progress: CopyProgress) => void;
};

/** The SQLite file cannot be read as a current Parley database, or a file's bytes are missing. */
export class SourceDatabaseError extends Error {}

/** The target already holds Parley data; nothing was written to it. */
export class TargetNotEmptyError extends Error {
  constructor(readonly tablesWithRows: string[]) {
    super(
      `the PostgreSQL database already holds data (rows in ${tablesWithRows.join(', ')}): ` +
        'copy into an empty database',
    );
  }
}

/** After the copy, a table of the target does not hold as many rows as the source. */
export class CopyCountMismatchError extends Error {
  constructor(readonly summary: CopySummary) {
    const wrong = summary.tables.filter((count) => count.source !== count.target);
    super(
      `row counts differ after the copy: ${wrong
        .map((count) => `${count.table} ${count.source} in SQLite, ${count.target} in PostgreSQL`)
        .join('; ')}`,
    );
  }
}

/**
 * Copies a Parley SQLite database into an empty PostgreSQL database, keeping every id: message ids
 * (the identity sequence continues after the largest ever used), event ids (each user's event head
 * is their newest event), password and refresh-token hashes verbatim.
 *
 * The source is read inside one read transaction, so a database that a running server still
 * writes to (WAL) is copied as one consistent snapshot; what is written after it began is not
 * copied. Tables are copied in foreign-key order, in batches of one INSERT (one transaction) each;
 * a failure part-way leaves the rows copied so far, and a second run then refuses the non-empty
 * target. The search vector of each message is a generated column: PostgreSQL computes it from the
 * copied body. Ends with a row count per table, source against target.
 */
export async function copySqliteToPostgres(
  options: CopySqliteToPostgresOptions,
): Promise<CopySummary> {
  const started = performance.now();
  const batchSize = options.batchSize ?? 2000;
  const concurrency = options.concurrency ?? 2;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be ≥ 1');
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError('concurrency must be ≥ 1');
  }

  const source = openSource(options.sqliteFile);
  const target = new PgPool({
    url: options.postgresUrl,
    max: concurrency,
    applicationName: 'parley-copy',
  });
  try {
    checkSourceSchema(source);
    // Deferred: the snapshot is taken by the first read below and held until the end.
    source.exec('BEGIN');
    const sourceCounts = new Map(
      copiedTables.map((table) => [table.name, countRows(source, table.name)] as const),
    );
    const usersWithEvents = source
      .prepare<[], { n: number }>('SELECT count(DISTINCT user_id) AS n FROM events')
      .get()!.n;
    const lastMessageIdEver = Math.max(
      source.prepare<[], { id: number | null }>('SELECT max(id) AS id FROM messages').get()!.id ??
        0,
      source
        .prepare<[], { seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'messages'")
        .get()?.seq ?? 0,
    );

    await refuseNonEmptyTarget(target);
    await migratePostgres(target, options.postgresUrl);
    // Again after the migrations: a server may have been started on it meanwhile.
    await refuseNonEmptyTarget(target);

    const fileRows = source
      .prepare<[], { id: string; sha256: string; size: number }>(
        'SELECT id, sha256, size FROM files ORDER BY rowid',
      )
      .all();
    const chunkTotal = fileRows.reduce(
      (sum, file) => sum + Math.ceil(file.size / FILE_CHUNK_BYTES),
      0,
    );
    const total = [...sourceCounts.values()].reduce((sum, n) => sum + n, 0) + chunkTotal;
    let copied = 0;
    for (const table of copiedTables) {
      const tableTotal = sourceCounts.get(table.name) ?? 0;
      let tableCopied = 0;
      options.onProgress?.({ table: table.name, tableCopied, tableTotal, copied, total });
      await copyTable(source, target, table, batchSize, concurrency, (rows) => {
        tableCopied += rows;
        copied += rows;
        options.onProgress?.({ table: table.name, tableCopied, tableTotal, copied, total });
      });
    }

    let chunksCopied = 0;
    options.onProgress?.({
      table: 'file_chunks',
      tableCopied: 0,
      tableTotal: chunkTotal,
      copied,
      total,
    });
    await copyFileBlobs(
      target,
      options.filesDir ?? sqliteFilesDir(options.sqliteFile),
      fileRows,
      () => {
        chunksCopied += 1;
        copied += 1;
        options.onProgress?.({
          table: 'file_chunks',
          tableCopied: chunksCopied,
          tableTotal: chunkTotal,
          copied,
          total,
        });
      },
    );

    await target.sql`
      INSERT INTO user_event_heads (user_id, last_seq)
      SELECT user_id, max(seq) FROM events GROUP BY user_id`;
    if (lastMessageIdEver > 0) {
      await target.sql`
        SELECT setval(pg_get_serial_sequence('messages', 'id'), ${lastMessageIdEver}, true)`;
    }

    const tables: CopiedTableCount[] = [];
    for (const table of copiedTables) {
      tables.push({
        table: table.name,
        source: sourceCounts.get(table.name) ?? 0,
        target: await countTargetRows(target, table.name),
      });
    }
    tables.push({
      table: 'user_event_heads',
      source: usersWithEvents,
      target: await countTargetRows(target, 'user_event_heads'),
    });
    tables.push({
      table: 'file_chunks',
      source: chunkTotal,
      target: await countTargetRows(target, 'file_chunks'),
    });
    const [next] = await target.sql<Array<{ id: number }>>`
      SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END AS id
      FROM messages_id_seq`;
    const summary: CopySummary = {
      tables,
      rows: copied,
      nextMessageId: next?.id ?? 1,
      elapsedMs: performance.now() - started,
    };
    if (tables.some((count) => count.source !== count.target)) {
      throw new CopyCountMismatchError(summary);
    }
    return summary;
  } finally {
    if (source.inTransaction) source.exec('ROLLBACK');
    source.close();
    await target.end();
  }
}

function openSource(file: string): Database.Database {
  let source: Database.Database;
  try {
    source = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new SourceDatabaseError(`cannot open ${file}: ${(error as Error).message}`);
  }
  // A running server's checkpoint may hold the WAL briefly; wait rather than fail.
  source.pragma('busy_timeout = 5000');
  return source;
}

/** Every copied column must be there: an older file is migrated by starting the server on it. */
function checkSourceSchema(source: Database.Database): void {
  for (const table of copiedTables) {
    let present: Set<string>;
    try {
      present = new Set(
        source
          .prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${table.name}')`)
          .all()
          .map((column) => column.name),
      );
    } catch (error) {
      throw new SourceDatabaseError(`not a Parley SQLite database: ${(error as Error).message}`);
    }
    const missing = table.columns.map(([name]) => name).filter((name) => !present.has(name));
    if (present.size === 0 || missing.length > 0) {
      throw new SourceDatabaseError(
        present.size === 0
          ? `not a Parley SQLite database (no table "${table.name}")`
          : `the SQLite database lacks ${table.name}.${missing.join(', ')}: start the current ` +
              'Parley server on it once (it applies its migrations), stop it, then copy',
      );
    }
  }
}

const countRows = (source: Database.Database, table: string): number =>
  source.prepare<[], { n: number }>(`SELECT count(*) AS n FROM "${table}"`).get()!.n;

async function countTargetRows(target: PgPool, table: string): Promise<number> {
  const [row] = await target.sql<Array<{ n: number }>>`SELECT count(*)::int8 AS n FROM ${target.sql(
    table,
  )}`;
  return row?.n ?? 0;
}

/** Parley tables of the target (those that exist yet) that hold a row. */
async function refuseNonEmptyTarget(target: PgPool): Promise<void> {
  const withRows: string[] = [];
  for (const name of [
    ...copiedTables.map((table) => table.name),
    'user_event_heads',
    'file_chunks',
  ]) {
    const [table] = await target.sql<Array<{ exists: boolean }>>`
      SELECT to_regclass(${name}) IS NOT NULL AS exists`;
    if (!table?.exists) continue;
    const [row] = await target.sql<Array<{ has: boolean }>>`
      SELECT EXISTS (SELECT 1 FROM ${target.sql(name)}) AS has`;
    if (row?.has) withRows.push(name);
  }
  if (withRows.length > 0) throw new TargetNotEmptyError(withRows);
}

/**
 * Reads the table in rowid order (the snapshot's rowids are stable) and inserts each batch as
 * column arrays through unnest(): one statement of a fixed shape, whatever the batch size.
 */
async function copyTable(
  source: Database.Database,
  target: PgPool,
  table: CopiedTable,
  batchSize: number,
  concurrency: number,
  onCopied: (rows: number) => void,
): Promise<void> {
  const names = table.columns.map(([name]) => name);
  const read = source
    .prepare<[number, number], unknown[]>(
      `SELECT rowid, ${names.map((name) => `"${name}"`).join(', ')} FROM "${table.name}"
       WHERE rowid > ? ORDER BY rowid LIMIT ?`,
    )
    .raw(true);
  const insert = insertStatement(table);

  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | null = null;
  let lastRowid = 0;
  while (failure === null) {
    const rows = read.all(lastRowid, batchSize);
    if (rows.length === 0) break;
    lastRowid = rows[rows.length - 1]![0] as number;
    const columns = table.columns.map((_, index) => rows.map((row) => row[index + 1]));
    const batch: Promise<void> = target
      .run(() => target.sql.unsafe(insert, columns as never[]))
      .then(
        () => onCopied(rows.length),
        (error: unknown) => {
          failure ??= { error };
        },
      )
      .finally(() => inFlight.delete(batch));
    inFlight.add(batch);
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  if (failure !== null) throw (failure as { error: unknown }).error;
}

/**
 * INSERT … SELECT FROM unnest() of one array per column. Booleans travel as the integers SQLite
 * keeps (0/1) and are compared with 0 here: postgres.js serializes a bool[] parameter's elements
 * from JS booleans only, and a JS boolean array would be sent as a scalar.
 */
function insertStatement(table: CopiedTable): string {
  const names = table.columns.map(([name]) => `"${name}"`).join(', ');
  const arrays = table.columns
    .map(([, type], index) => `$${index + 1}::${type === 'bool' ? 'int2' : type}[]`)
    .join(', ');
  const values = table.columns
    .map(([, type], index) => (type === 'bool' ? `c${index} <> 0` : `c${index}`))
    .join(', ');
  const aliases = table.columns.map((_, index) => `c${index}`).join(', ');
  return (
    `INSERT INTO "${table.name}" (${names})` +
    (table.keepsIdentity ? ' OVERRIDING SYSTEM VALUE' : '') +
    ` SELECT ${values} FROM unnest(${arrays}) AS batch(${aliases})`
  );
}

/**
 * Each file's blob, read from the files folder in 256 KiB chunks (one in memory at a time) into
 * `file_chunks`; its SHA-256 is checked against the row, so a damaged blob stops the copy.
 */
async function copyFileBlobs(
  target: PgPool,
  filesDir: string,
  fileRows: Array<{ id: string; sha256: string; size: number }>,
  onChunk: () => void,
): Promise<void> {
  for (const file of fileRows) {
    const path = join(filesDir, file.sha256.slice(0, 2), file.sha256);
    const hash = createHash('sha256');
    let seq = 0;
    let size = 0;
    try {
      for await (const chunk of rechunk(
        createReadStream(path, { highWaterMark: FILE_CHUNK_BYTES }),
      )) {
        hash.update(chunk);
        size += chunk.byteLength;
        const chunkSeq = seq;
        seq += 1;
        await target.run(
          () => target.sql`
            INSERT INTO file_chunks (file_id, seq, data) VALUES (${file.id}, ${chunkSeq}, ${chunk})`,
        );
        onChunk();
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new SourceDatabaseError(`the bytes of file ${file.id} are missing: ${path}`);
      }
      throw error;
    }
    if (size !== file.size || hash.digest('hex') !== file.sha256) {
      throw new SourceDatabaseError(`the bytes of file ${file.id} do not match its row: ${path}`);
    }
  }
}

/** Exactly FILE_CHUNK_BYTES per chunk (the last one shorter), whatever sizes the reads return. */
async function* rechunk(input: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const piece of input) {
    pending.push(piece);
    pendingBytes += piece.byteLength;
    while (pendingBytes >= FILE_CHUNK_BYTES) {
      const joined = Buffer.concat(pending);
      yield joined.subarray(0, FILE_CHUNK_BYTES);
      const rest = joined.subarray(FILE_CHUNK_BYTES);
      pending = rest.byteLength > 0 ? [rest] : [];
      pendingBytes = rest.byteLength;
    }
  }
  if (pendingBytes > 0) yield Buffer.concat(pending);
}
