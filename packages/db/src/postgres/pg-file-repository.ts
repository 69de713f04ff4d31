import { createHash } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { FileTooLargeError } from '../file-too-large-error.js';
import type { FileRecord } from '../records.js';
import type { ByteRange, FileRepository } from '../store.js';
import type { PgExecutor, PgPool } from './pg-pool.js';
import { files } from './schema.js';

/** Bytes per `file_chunks` row: what a read or a write holds in memory at a time. */
export const FILE_CHUNK_BYTES = 256 * 1024;

type FileRow = Omit<FileRecord, 'messageId'> & { messageId: number | null };

const toFileRecord = (row: FileRow): FileRecord => ({
  ...row,
  messageId: row.messageId === null ? null : String(row.messageId),
});

/**
 * Ties an unsent upload of `uploaderId` to a message: one conditional UPDATE on `tx`, so the
 * message repository can call it inside its send transaction (`pool.transaction((tx) => …)`).
 * False when the file is unknown, incomplete, someone else's or already sent.
 */
export async function attachPgFile(
  tx: PgExecutor,
  fileId: string,
  uploaderId: string,
  messageId: string,
  conversationId: string,
): Promise<boolean> {
  const updated = await tx
    .update(files)
    .set({ messageId: Number(messageId), conversationId })
    .where(
      and(
        eq(files.id, fileId),
        eq(files.uploaderId, uploaderId),
        isNull(files.messageId),
        eq(files.complete, true),
      ),
    )
    .returning({ id: files.id });
  return updated.length === 1;
}

/**
 * Files on PostgreSQL: every byte in the database (`file_chunks`, 256 KiB per row), so any
 * number of server processes without a shared disk serve them. An upload inserts its row as
 * incomplete, then one chunk per statement (no transaction held open while a slow client sends),
 * then marks it complete; on failure it deletes the row, whose chunks go with it (ON DELETE
 * CASCADE). Identical content is not shared between files here.
 */
export class PgFileRepository implements FileRepository {
  constructor(private readonly pool: PgPool) {}

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
    await this.pool.statement(
      (sql) => sql`
        INSERT INTO files (id, uploader_id, name, content_type, size, sha256, created_at, complete)
        VALUES (${file.id}, ${file.uploaderId}, ${file.name}, ${file.contentType}, 0, '',
                ${file.createdAt}, false)`,
    );
    const hash = createHash('sha256');
    let size = 0;
    let seq = 0;
    const pending = Buffer.allocUnsafe(FILE_CHUNK_BYTES);
    let filled = 0;
    const flush = async () => {
      const data = Buffer.from(pending.subarray(0, filled));
      const chunkSeq = seq;
      seq += 1;
      filled = 0;
      await this.pool.statement(
        (sql) => sql`
          INSERT INTO file_chunks (file_id, seq, data) VALUES (${file.id}, ${chunkSeq}, ${data})`,
      );
    };
    try {
      for await (const chunk of content) {
        size += chunk.byteLength;
        if (size > file.limitBytes) throw new FileTooLargeError(file.limitBytes);
        hash.update(chunk);
        let offset = 0;
        while (offset < chunk.byteLength) {
          const taken = Math.min(FILE_CHUNK_BYTES - filled, chunk.byteLength - offset);
          pending.set(chunk.subarray(offset, offset + taken), filled);
          filled += taken;
          offset += taken;
          if (filled === FILE_CHUNK_BYTES) await flush();
        }
      }
      if (filled > 0) await flush();
      const sha256 = hash.digest('hex');
      await this.pool.statement(
        (sql) => sql`
          UPDATE files SET size = ${size}, sha256 = ${sha256}, complete = true
          WHERE id = ${file.id}`,
      );
      return {
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
    } catch (error) {
      // When this fails too (the database is gone), the incomplete row is never served and the
      // cleanup of unsent uploads removes it.
      await this.pool
        .statement((sql) => sql`DELETE FROM files WHERE id = ${file.id}`)
        .catch(() => undefined);
      throw error;
    }
  }

  async findById(id: string): Promise<FileRecord | null> {
    const rows = await this.pool.statement(
      (sql) => sql<FileRow[]>`
        SELECT id, uploader_id AS "uploaderId", name, content_type AS "contentType", size, sha256,
               created_at AS "createdAt", message_id AS "messageId",
               conversation_id AS "conversationId"
        FROM files WHERE id = ${id} AND complete`,
    );
    return rows[0] ? toFileRecord(rows[0]) : null;
  }

  async *read(file: FileRecord, range?: ByteRange): AsyncIterable<Uint8Array> {
    const start = range?.start ?? 0;
    const end = range?.end ?? file.size - 1;
    if (end < start) return;
    for (let seq = Math.floor(start / FILE_CHUNK_BYTES); seq * FILE_CHUNK_BYTES <= end; seq += 1) {
      const rows = await this.pool.statement(
        (sql) => sql<Array<{ data: Buffer }>>`
          SELECT data FROM file_chunks WHERE file_id = ${file.id} AND seq = ${seq}`,
      );
      const data = rows[0]?.data;
      if (!data) throw new Error(`file ${file.id}: chunk ${seq} is missing (removed meanwhile?)`);
      const chunkStart = seq * FILE_CHUNK_BYTES;
      yield data.subarray(
        Math.max(0, start - chunkStart),
        Math.min(data.byteLength, end - chunkStart + 1),
      );
    }
  }

  async storedBytesOf(userId: string): Promise<number> {
    const [row] = await this.pool.statement(
      (sql) => sql<Array<{ bytes: number }>>`
        SELECT coalesce(sum(size), 0)::int8 AS bytes FROM files
        WHERE uploader_id = ${userId} AND complete`,
    );
    return row?.bytes ?? 0;
  }

  async attachToMessage(
    fileId: string,
    uploaderId: string,
    messageId: string,
    conversationId: string,
  ): Promise<boolean> {
    return this.pool.run((db) => attachPgFile(db, fileId, uploaderId, messageId, conversationId));
  }

  async removeForMessage(messageId: string): Promise<number> {
    const rows = await this.pool.statement(
      (sql) => sql`DELETE FROM files WHERE message_id = ${Number(messageId)} RETURNING id`,
    );
    return rows.length;
  }

  /** Incomplete uploads (cut off by a crash) older than the cutoff go too. */
  async removeUnsentOlderThan(cutoff: number): Promise<number> {
    const rows = await this.pool.statement(
      (sql) => sql`
        DELETE FROM files WHERE message_id IS NULL AND created_at < ${cutoff} RETURNING id`,
    );
    return rows.length;
  }

  async removeUnsentOf(userId: string): Promise<number> {
    const rows = await this.pool.statement(
      (sql) => sql`
        DELETE FROM files WHERE message_id IS NULL AND uploader_id = ${userId} RETURNING id`,
    );
    return rows.length;
  }

  async totals(): Promise<{ count: number; bytes: number }> {
    const [row] = await this.pool.statement(
      (sql) => sql<Array<{ count: number; bytes: number }>>`
        SELECT count(*)::int8 AS count, coalesce(sum(size), 0)::int8 AS bytes
        FROM files WHERE complete`,
    );
    return row ?? { count: 0, bytes: 0 };
  }
}
