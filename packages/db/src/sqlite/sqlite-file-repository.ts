import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, mkdirSync } from 'node:fs';
import { access, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { and, count, eq, isNull, lt, sql, sum, type SQL } from 'drizzle-orm';
import { FileTooLargeError } from '../file-too-large-error.js';
import { KeyedLock } from '../keyed-lock.js';
import type { FileRecord } from '../records.js';
import type { ByteRange, FileRepository } from '../store.js';
import { files } from './schema.js';
import type { SqliteDatabase } from './sqlite-database.js';

const fileColumns = {
  id: files.id,
  uploaderId: files.uploaderId,
  name: files.name,
  contentType: files.contentType,
  size: files.size,
  sha256: files.sha256,
  createdAt: files.createdAt,
  messageId: files.messageId,
  conversationId: files.conversationId,
};

type FileRow = Omit<FileRecord, 'messageId'> & { messageId: number | null };

const toFileRecord = (row: FileRow): FileRecord => ({
  ...row,
  messageId: row.messageId === null ? null : String(row.messageId),
});

const TEMP_SUFFIX = '.upload';

/** fsync of a directory: makes a rename (or a new entry) in it survive a power cut. */
async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

/**
 * Ties an unsent upload of `uploaderId` to a message: one conditional UPDATE, synchronous, so the
 * message repository can call it inside its send transaction (a TransactionBatcher unit) with the
 * same `db`. False when the file is unknown, someone else's or already sent.
 */
export function attachSqliteFile(
  db: SqliteDatabase,
  fileId: string,
  uploaderId: string,
  messageId: string,
  conversationId: string,
): boolean {
  const result = db
    .update(files)
    .set({ messageId: Number(messageId), conversationId })
    .where(and(eq(files.id, fileId), eq(files.uploaderId, uploaderId), isNull(files.messageId)))
    .run();
  return result.changes === 1;
}

/**
 * Files on SQLite: rows in the database, bytes in a content-addressed folder (`<dir>/ab/abcd…`,
 * named by SHA-256). An upload streams into a temporary file in that folder, is fsynced, renamed
 * to its hash and the folder fsynced; only then is its row written. Identical content is one blob.
 *
 * A blob is removed only when no row names it. Giving a blob a row (exists check or rename, fsync,
 * insert) and removing an unnamed blob (count, unlink) each hold that blob's lock, so neither
 * falls between the other's steps. The file system calls are asynchronous: an fsync or the unlink
 * of a large file waits on the disk (tens of milliseconds while other uploads are being written),
 * which the event loop that delivers messages must not.
 */
export class SqliteFileRepository implements FileRepository {
  private readonly byId;
  private readonly blobLocks = new KeyedLock();

  constructor(
    private readonly db: SqliteDatabase,
    private readonly client: Database,
    private readonly dir: string,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.byId = db
      .select(fileColumns)
      .from(files)
      .where(eq(files.id, sql.placeholder('id')))
      .prepare();
  }

  private blobPath(sha256: string): string {
    return join(this.dir, sha256.slice(0, 2), sha256);
  }

  async create(
    file: {
      id: string;
      uploaderId: string;
      name: string;
      contentType: string;
      createdAt: number;
      limitBytes: number;
    },
    content: AsyncIterable<Uint8Array>,
  ): Promise<FileRecord> {
    const temp = join(this.dir, `${randomUUID()}${TEMP_SUFFIX}`);
    const hash = createHash('sha256');
    let size = 0;
    const handle = await open(temp, 'wx', 0o600);
    try {
      for await (const chunk of content) {
        size += chunk.byteLength;
        if (size > file.limitBytes) throw new FileTooLargeError(file.limitBytes);
        hash.update(chunk);
        let written = 0;
        while (written < chunk.byteLength) {
          const { bytesWritten } = await handle.write(chunk, written);
          written += bytesWritten;
        }
      }
      await handle.sync();
      await handle.close();
    } catch (error) {
      await handle.close().catch(() => undefined);
      await rm(temp, { force: true });
      throw error;
    }

    const sha256 = hash.digest('hex');
    const target = this.blobPath(sha256);
    if ((await mkdir(dirname(target), { recursive: true, mode: 0o700 })) !== undefined) {
      await syncDirectory(this.dir);
    }
    const record: FileRecord = {
      id: file.id,
      uploaderId: file.uploaderId,
      name: file.name,
      contentType: file.contentType,
      size,
      sha256,
      createdAt: file.createdAt,
      messageId: null,
      conversationId: null,
    };
    await this.blobLocks.run(sha256, async () => {
      try {
        if (await exists(target)) {
          await rm(temp, { force: true });
        } else {
          await rename(temp, target);
          await syncDirectory(dirname(target));
        }
        this.db
          .insert(files)
          .values({ ...record, messageId: null })
          .run();
      } catch (error) {
        await rm(temp, { force: true });
        await this.removeBlobIfUnnamed(sha256);
        throw error;
      }
    });
    return record;
  }

  async findById(id: string): Promise<FileRecord | null> {
    const row = this.byId.get({ id });
    return Promise.resolve(row ? toFileRecord(row) : null);
  }

  read(file: FileRecord, range?: ByteRange): AsyncIterable<Uint8Array> {
    return createReadStream(this.blobPath(file.sha256), {
      highWaterMark: 64 * 1024,
      ...(range ? { start: range.start, end: range.end } : {}),
    }) as AsyncIterable<Uint8Array>;
  }

  async storedBytesOf(userId: string): Promise<number> {
    const [row] = this.db
      .select({ bytes: sum(files.size) })
      .from(files)
      .where(eq(files.uploaderId, userId))
      .all();
    return Promise.resolve(Number(row?.bytes ?? 0));
  }

  async attachToMessage(
    fileId: string,
    uploaderId: string,
    messageId: string,
    conversationId: string,
  ): Promise<boolean> {
    return Promise.resolve(
      attachSqliteFile(this.db, fileId, uploaderId, messageId, conversationId),
    );
  }

  async removeForMessage(messageId: string): Promise<number> {
    return this.removeWhere(eq(files.messageId, Number(messageId)));
  }

  async removeUnsentOlderThan(cutoff: number): Promise<number> {
    const removed = await this.removeWhere(
      and(isNull(files.messageId), lt(files.createdAt, cutoff))!,
    );
    await this.removeStaleTempFiles(cutoff);
    return removed;
  }

  async removeUnsentOf(userId: string): Promise<number> {
    return this.removeWhere(and(isNull(files.messageId), eq(files.uploaderId, userId))!);
  }

  async totals(): Promise<{ count: number; bytes: number }> {
    const [row] = this.db
      .select({ count: count(), bytes: sum(files.size) })
      .from(files)
      .all();
    return Promise.resolve({ count: row?.count ?? 0, bytes: Number(row?.bytes ?? 0) });
  }

  /** Deletes the rows, then the blobs no remaining row names. */
  private async removeWhere(condition: SQL): Promise<number> {
    const removed = this.client.transaction(() =>
      this.db.delete(files).where(condition).returning({ sha256: files.sha256 }).all(),
    )();
    for (const sha256 of new Set(removed.map((row) => row.sha256))) {
      await this.blobLocks.run(sha256, () => this.removeBlobIfUnnamed(sha256));
    }
    return removed.length;
  }

  /** Call holding the blob's lock. */
  private async removeBlobIfUnnamed(sha256: string): Promise<void> {
    const [named] = this.db
      .select({ id: files.id })
      .from(files)
      .where(eq(files.sha256, sha256))
      .limit(1)
      .all();
    if (!named) await rm(this.blobPath(sha256), { force: true });
  }

  /** Temporary files of uploads cut off by a crash. */
  private async removeStaleTempFiles(cutoff: number): Promise<void> {
    for (const name of await readdir(this.dir)) {
      if (!name.endsWith(TEMP_SUFFIX)) continue;
      const path = join(this.dir, name);
      const info = await stat(path).catch(() => null);
      if (info && info.mtimeMs < cutoff) await rm(path, { force: true });
    }
  }
}
