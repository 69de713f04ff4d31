import { randomUUID } from 'node:crypto';
import {
  FileTooLargeError,
  isStorageFull,
  type ByteRange,
  type FileRecord,
  type Store,
} from '@parley/db';
import type { Attachment } from '@parley/protocol';
import { DomainError, outOfStorage } from './domain-error.js';
import { storedContentType } from './file-content-type.js';
import { sanitizeFileName } from './file-name.js';
import type { Logger } from './logger.js';
import type { RateLimits } from './rate-limits.js';

export type FileServiceConfig = {
  /** Largest upload (MAX_FILE_BYTES). @default 10 MiB */
  maxFileBytes: number;
  /** Bytes of uploads one user may keep, sent or not (MAX_USER_STORAGE_BYTES). @default 1 GiB */
  maxUserStorageBytes: number;
  /** An upload not sent within this time is removed. @default 24 h */
  unsentUploadTtlMs: number;
  /** How often the removal runs (and once at start). @default 1 h */
  cleanupIntervalMs: number;
};

export type Upload = {
  userId: string;
  /** As the client sent it (`?name=`); sanitized here. */
  name: string | null;
  /** The request's Content-Type; kept only if it is on the allowlist. */
  contentType: string | null;
  /** The request's Content-Length, when it had one: refused at once when it is over a limit. */
  declaredBytes: number | null;
  content: AsyncIterable<Uint8Array>;
};

export const toAttachment = (file: FileRecord): Attachment => ({
  fileId: file.id,
  name: file.name,
  size: file.size,
  contentType: file.contentType,
});

const notFound = () => new DomainError('NOT_FOUND', 'No such file.');

const mib = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;

/** Uploads and downloads of attachments (docs/api.md, "Attachments"), and the removal of unsent ones. */
export class FileService {
  private timer: NodeJS.Timeout | null = null;
  private cleaning: Promise<unknown> | null = null;

  constructor(
    private readonly store: Store,
    private readonly rateLimits: RateLimits,
    readonly config: FileServiceConfig,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** The file is too large for MAX_FILE_BYTES: PAYLOAD_TOO_LARGE, `limit: 'file-size'`. */
  fileTooLarge(): DomainError {
    return new DomainError(
      'PAYLOAD_TOO_LARGE',
      `The file is too large: the limit is ${mib(this.config.maxFileBytes)}.`,
      { limit: 'file-size', limitBytes: this.config.maxFileBytes },
    );
  }

  private quotaExceeded(): DomainError {
    return new DomainError(
      'PAYLOAD_TOO_LARGE',
      `Your storage is full: your files may take ${mib(this.config.maxUserStorageBytes)} together. ` +
        'Delete messages with attachments to make room.',
      { limit: 'storage-quota', limitBytes: this.config.maxUserStorageBytes },
    );
  }

  /**
   * Streams an upload into storage. Counts towards the request limit; past MAX_FILE_BYTES or the
   * user's quota it stops reading and keeps nothing. Concurrent uploads of one user each check the
   * quota as it was when they began, so together they may pass it by what they hold in flight.
   */
  async upload(upload: Upload): Promise<Attachment> {
    await this.rateLimits.consumeRequest(upload.userId);
    const { maxFileBytes, maxUserStorageBytes } = this.config;
    if (upload.declaredBytes !== null && upload.declaredBytes > maxFileBytes) {
      throw this.fileTooLarge();
    }
    const room = maxUserStorageBytes - (await this.store.files.storedBytesOf(upload.userId));
    if (room <= 0 || (upload.declaredBytes !== null && upload.declaredBytes > room)) {
      throw this.quotaExceeded();
    }
    const limitBytes = Math.min(maxFileBytes, room);
    let file: FileRecord;
    try {
      file = await this.store.files.create(
        {
          id: randomUUID(),
          uploaderId: upload.userId,
          name: sanitizeFileName(upload.name),
          contentType: storedContentType(upload.contentType),
          createdAt: this.now(),
          limitBytes,
        },
        upload.content,
      );
    } catch (error) {
      if (error instanceof FileTooLargeError) {
        throw limitBytes < maxFileBytes ? this.quotaExceeded() : this.fileTooLarge();
      }
      if (isStorageFull(error))
        throw outOfStorage(
          'The server is out of storage space; the file was not saved. Try again later.',
        );
      throw error;
    }
    this.log.info(
      {
        event: 'file-uploaded',
        fileId: file.id,
        userId: upload.userId,
        size: file.size,
        contentType: file.contentType,
      },
      'file uploaded',
    );
    return toAttachment(file);
  }

  /**
   * The file if `userId` may download it: its uploader, or a participant of the conversation it
   * was sent in. NOT_FOUND otherwise, exactly as for an unknown id (no existence leak).
   * Counts towards the request limit.
   */
  async find(userId: string, fileId: string): Promise<FileRecord> {
    await this.rateLimits.consumeRequest(userId);
    const file = await this.store.files.findById(fileId);
    if (!file) throw notFound();
    if (file.uploaderId === userId) return file;
    if (file.conversationId !== null) {
      const participants = await this.store.conversations.participants(file.conversationId);
      if (participants?.includes(userId)) return file;
    }
    throw notFound();
  }

  /** The bytes of a file that find() returned. */
  read(file: FileRecord, range?: ByteRange): AsyncIterable<Uint8Array> {
    return this.store.files.read(file, range);
  }

  /** Removes uploads never sent within `unsentUploadTtlMs`; returns how many. */
  async removeExpiredUploads(): Promise<number> {
    const removed = await this.store.files.removeUnsentOlderThan(
      this.now() - this.config.unsentUploadTtlMs,
    );
    if (removed > 0) {
      this.log.info({ event: 'unsent-uploads-removed', count: removed }, 'unsent uploads removed');
    }
    return removed;
  }

  /** Runs the removal now and then every `cleanupIntervalMs`. */
  start(): void {
    const run = () => {
      if (this.cleaning) return;
      this.cleaning = this.removeExpiredUploads()
        .catch((error: unknown) =>
          this.log.error(
            { err: error, event: 'unsent-uploads-cleanup' },
            'removing unsent uploads failed',
          ),
        )
        .finally(() => {
          this.cleaning = null;
        });
    };
    run();
    this.timer = setInterval(run, this.config.cleanupIntervalMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.cleaning;
  }
}
