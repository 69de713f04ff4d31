import type { Attachment, Message, MessageStatus } from '@parley/protocol';
import { attachmentCaptionSchema, messageBodySchema } from '@parley/protocol';
import { backoffDelay } from './backoff.js';
import { describeError, isPermanentError } from './describe-error.js';
import { compareMessageIds } from './message-order.js';
import { Emitter } from './emitter.js';
import type { UploadBody, UploadOptions } from './parley-files.js';
import { PersistedValue } from './persisted-value.js';
import { randomUUID } from './random-uuid.js';
import type { KeyValueStorage } from './storage.js';

/** A message the user sent from this client, from the moment `send` returns until the peer has it. */
export interface OutboxEntry {
  clientId: string;
  conversationId: string;
  body: string;
  /** Local time of `send`, epoch ms. */
  createdAt: number;
  /** `sending` until the server has stored it; then the server's status, updated by `status` events. */
  status: 'sending' | MessageStatus;
  /** The stored message, once the server answered. */
  message: Message | null;
  /** Why the message failed for good (validation, not a participant), or the last retry's error while `sending`. */
  error: string | null;
  /** The message this one replies to (`send(…, { replyToId })`); absent when it is no reply. */
  replyToId?: string;
  /** The file it carries, uploaded before the message is sent; null for a text message. */
  file: OutboxFile | null;
}

/**
 * A file on its way out with its message. Its bytes are held in memory only (they can be large, and
 * the storage is for small values): after a restart, a file not uploaded yet is lost and its entry
 * `failed` (the app may attach it again); one already uploaded is still sent.
 */
export interface OutboxFile {
  name: string;
  size: number;
  contentType: string;
  /** The server's id once uploaded; the message is sent only then. */
  fileId: string | null;
  /** Bytes uploaded so far (of `size`) while uploading. */
  loaded: number;
}

/** A file to send with a message: its bytes, its name and (optionally) its type. */
export interface OutgoingFile {
  body: UploadBody;
  name: string;
  /** @default the Blob's type, else 'application/octet-stream' */
  contentType?: string;
}

export type SendMessage = (input: {
  conversationId: string;
  clientId: string;
  body: string;
  fileId?: string;
  replyToId?: string;
}) => Promise<Message>;

export type UploadFile = (body: UploadBody, options: UploadOptions) => Promise<Attachment>;

export interface OutboxOptions {
  storage: KeyValueStorage;
  /** Storage key of this user's outbox. */
  key: string;
  send: SendMessage;
  /** Uploads a message's file before it is sent (`client.files.upload`). Without it, files are refused. */
  upload?: UploadFile;
  /** Delay before retry number `attempt`. @default backoffDelay (0.5 s → 30 s with jitter) */
  retryDelayMs?: (attempt: number) => number;
  /** Settled (delivered or failed) entries kept in memory for display; they are never persisted. @default 500 */
  maxSettled?: number;
  now?: () => number;
  createId?: () => string;
}

const rank: Record<OutboxEntry['status'], number> = {
  sending: 0,
  pending: 1,
  sent: 2,
  delivered: 3,
  read: 4,
  failed: 3,
};

/** The further along of a message's two statuses. */
const best = (a: OutboxEntry['status'], b: MessageStatus): MessageStatus =>
  a !== 'sending' && rank[a] > rank[b] ? a : b;

const isSettled = (entry: OutboxEntry): boolean =>
  entry.status === 'delivered' || entry.status === 'read' || entry.status === 'failed';

function parseFile(value: unknown): OutboxFile | null {
  if (typeof value !== 'object' || value === null) return null;
  const file = value as Partial<OutboxFile>;
  if (typeof file.name !== 'string' || typeof file.size !== 'number') return null;
  return {
    name: file.name,
    size: file.size,
    contentType: typeof file.contentType === 'string' ? file.contentType : '',
    fileId: typeof file.fileId === 'string' ? file.fileId : null,
    loaded: 0,
  };
}

const fileLostMessage = 'The file was not uploaded before the app closed. Attach it again.';

const byteSize = (body: UploadBody): number =>
  body instanceof Uint8Array ? body.byteLength : body.size;

const isAbort = (error: unknown): boolean =>
  typeof error === 'object' &&
  error !== null &&
  (error as { name?: unknown }).name === 'AbortError';

function parseEntries(value: unknown): OutboxEntry[] {
  if (typeof value !== 'object' || value === null) return [];
  const { entries } = value as { entries?: unknown };
  if (!Array.isArray(entries)) return [];
  return entries
    .map((e: unknown) =>
      typeof e === 'object' && e !== null
        ? { ...(e as OutboxEntry), file: parseFile((e as { file?: unknown }).file) }
        : e,
    )
    .filter(
      (e): e is OutboxEntry =>
        typeof e === 'object' &&
        e !== null &&
        typeof (e as OutboxEntry).clientId === 'string' &&
        typeof (e as OutboxEntry).conversationId === 'string' &&
        typeof (e as OutboxEntry).body === 'string' &&
        typeof (e as OutboxEntry).status === 'string' &&
        ['undefined', 'string'].includes(typeof (e as OutboxEntry).replyToId) &&
        (e as OutboxEntry).status in rank,
    );
}

/**
 * Messages on their way out. `enqueue` gives each one a UUID `clientId` and returns at once; a pump sends the
 * entries of each conversation one at a time, in order, retrying with backoff until the server answers. The
 * server stores one message per `clientId`, so a retry after a lost answer never makes a second one. Entries are
 * persisted, so a restart resumes them.
 */
export class Outbox {
  private readonly entries = new Map<string, OutboxEntry>();
  private readonly inFlight = new Set<string>();
  private readonly attempts = new Map<string, number>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** The bytes of files not uploaded yet, by clientId (memory only). */
  private readonly fileBodies = new Map<string, UploadBody>();
  /** Uploads under way, by clientId: `cancel` aborts them. */
  private readonly uploads = new Map<string, AbortController>();
  private readonly changes = new Emitter<[OutboxEntry[]]>();
  private readonly persisted: PersistedValue<{ v: 1; entries: OutboxEntry[] }>;
  private running = false;
  private closed = false;
  private readonly retryDelayMs: (attempt: number) => number;
  private readonly now: () => number;
  private readonly createId: () => string;
  private readonly maxSettled: number;

  constructor(private readonly options: OutboxOptions) {
    this.retryDelayMs = options.retryDelayMs ?? ((attempt) => backoffDelay(attempt));
    this.now = options.now ?? Date.now;
    this.createId = options.createId ?? randomUUID;
    this.maxSettled = options.maxSettled ?? 500;
    this.persisted = new PersistedValue(options.storage, options.key, () => ({
      v: 1 as const,
      entries: [...this.entries.values()].filter((e) => !isSettled(e)),
    }));
  }

  /** Loads the persisted entries (kept behind those enqueued meanwhile). */
  async load(): Promise<void> {
    const stored = parseEntries(await this.persisted.load());
    if (stored.length === 0) return;
    const fresh = [...this.entries.values()];
    this.entries.clear();
    for (const entry of stored) {
      // Its bytes were in the memory of the app that closed.
      if (entry.status === 'sending' && entry.file && entry.file.fileId === null) {
        entry.status = 'failed';
        entry.error = fileLostMessage;
      }
    }
    for (const entry of [...stored, ...fresh]) this.entries.set(entry.clientId, entry);
    this.changed(false);
    this.pumpAll();
  }

  /** Starts sending (and resumes after `stop`). */
  start(): void {
    if (this.closed) return;
    this.running = true;
    this.pumpAll();
  }

  /** Stops sending; entries stay. */
  stop(): void {
    this.running = false;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    // An upload cut off here starts again on `start` (its bytes stay).
    for (const upload of this.uploads.values()) upload.abort();
  }

  /** The connection is back: retry now instead of when the backoff timers say. */
  retryNow(): void {
    if (!this.running) return;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.attempts.clear();
    this.pumpAll();
  }

  close(): void {
    this.stop();
    this.closed = true;
    this.changes.clear();
  }

  /**
   * Queues a message, with a file to upload first when given (its body may then be empty). The file's
   * upload is retried with backoff like the send; `cancel` drops the entry before it is sent.
   */
  enqueue(
    conversationId: string,
    body: string,
    options: { replyToId?: string; file?: OutgoingFile } = {},
  ): OutboxEntry {
    const { replyToId, file } = options;
    const parsed = (file ? attachmentCaptionSchema : messageBodySchema).safeParse(body);
    const error =
      file && !this.options.upload
        ? 'This client cannot upload files.'
        : parsed.success
          ? null
          : (parsed.error.issues[0]?.message ?? 'Invalid message');
    const entry: OutboxEntry = {
      clientId: this.createId(),
      conversationId,
      body,
      createdAt: this.now(),
      status: error === null ? 'sending' : 'failed',
      message: null,
      error,
      file: file
        ? {
            name: file.name,
            size: byteSize(file.body),
            contentType:
              file.contentType ||
              (file.body instanceof Blob && file.body.type
                ? file.body.type
                : 'application/octet-stream'),
            fileId: null,
            loaded: 0,
          }
        : null,
      ...(replyToId === undefined ? {} : { replyToId }),
    };
    if (file) this.fileBodies.set(entry.clientId, file.body);
    this.entries.set(entry.clientId, entry);
    this.changed(error === null);
    if (error === null) this.pump(conversationId);
    return this.copy(entry);
  }

  /**
   * Drops an entry not sent yet (uploading its file, waiting, or failed); an upload under way is
   * aborted. Returns false once the message is sent or being sent (it cannot be taken back here).
   */
  cancel(clientId: string): boolean {
    const entry = this.entries.get(clientId);
    if (!entry || (entry.status !== 'sending' && entry.status !== 'failed')) return false;
    if (entry.status === 'sending' && this.sending.has(clientId)) return false;
    this.uploads.get(clientId)?.abort();
    this.uploads.delete(clientId);
    this.fileBodies.delete(clientId);
    this.entries.delete(clientId);
    this.changed(true);
    this.pump(entry.conversationId);
    return true;
  }

  /**
   * Tries a failed entry again (a failed upload, a refused send): true when it was queued again. A
   * file whose bytes are gone (the app restarted before its upload) cannot be retried.
   */
  retry(clientId: string): boolean {
    const entry = this.entries.get(clientId);
    if (!entry || entry.status !== 'failed' || entry.message !== null) return false;
    if (entry.file && entry.file.fileId === null && !this.fileBodies.has(clientId)) return false;
    entry.status = 'sending';
    entry.error = null;
    // Its place: after the entries of its conversation still waiting.
    this.entries.delete(clientId);
    this.entries.set(clientId, entry);
    this.changed(true);
    this.pump(entry.conversationId);
    return true;
  }

  list(): OutboxEntry[] {
    return [...this.entries.values()].map((e) => this.copy(e));
  }

  get(clientId: string): OutboxEntry | null {
    const entry = this.entries.get(clientId);
    return entry ? this.copy(entry) : null;
  }

  private copy(entry: OutboxEntry): OutboxEntry {
    return { ...entry, file: entry.file ? { ...entry.file } : null };
  }

  onChange(listener: (entries: OutboxEntry[]) => void): () => void {
    return this.changes.add(listener);
  }

  /** Applies a `status` event; statuses only move forward. Returns whether an entry changed. */
  applyStatus(clientId: string, status: MessageStatus, messageId?: string): boolean {
    const entry = this.entries.get(clientId);
    if (!entry || rank[status] <= rank[entry.status]) return false;
    entry.status = status;
    if (entry.message && (messageId === undefined || entry.message.id === messageId)) {
      entry.message = { ...entry.message, status };
    }
    if (status !== 'failed') entry.error = null;
    this.changed(true);
    return true;
  }

  /**
   * A `read` event: the peer has read our messages of the conversation up to `upToMessageId` (server order).
   * Returns whether an entry changed.
   */
  applyRead(conversationId: string, upToMessageId: string): boolean {
    let changed = false;
    for (const entry of this.entries.values()) {
      const message = entry.message;
      if (entry.conversationId !== conversationId || message === null) continue;
      const atOrBefore = compareMessageIds(message.id, upToMessageId) <= 0; // false for ids it cannot order
      if (!atOrBefore || entry.status === 'failed' || entry.status === 'read') continue;
      entry.status = 'read';
      entry.message = { ...message, status: 'read' };
      entry.error = null;
      changed = true;
    }
    if (changed) this.changed(true);
    return changed;
  }

  /** A `message-updated` event (edited or deleted for everyone): the entry shows the message as it is now. */
  updated(message: Message): boolean {
    const entry = this.entries.get(message.clientId);
    if (!entry?.message || entry.message.id !== message.id) return false;
    entry.message = { ...message, status: best(entry.status, message.status) };
    entry.body = message.body;
    this.changed(false);
    return true;
  }

  /** Our message `messageId` was deleted for everyone: its entry keeps no trace of the text. */
  erase(messageId: string, at: number): boolean {
    for (const entry of this.entries.values()) {
      if (entry.message?.id !== messageId) continue;
      if (entry.message.deletedAt !== null && entry.body === '') return false;
      entry.message = { ...entry.message, body: '', deletedAt: at, attachment: null };
      entry.body = '';
      this.changed(true);
      return true;
    }
    return false;
  }

  /**
   * The server reports one of our messages as stored (our own `message` event): the same as its answer, which
   * may still be on its way or lost. Returns whether the message is one of this outbox's.
   */
  stored(message: Message): boolean {
    const entry = this.entries.get(message.clientId);
    if (!entry || entry.conversationId !== message.conversationId) return false;
    this.answered(message.clientId, message);
    return true;
  }

  /** Resolves once the current entries are written to storage. */
  flush(): Promise<void> {
    return this.persisted.flush();
  }

  /** Forgets every entry, also in storage (logout). */
  async clear(): Promise<void> {
    this.stop();
    this.entries.clear();
    this.fileBodies.clear();
    this.changes.emit([]);
    await this.persisted.remove();
  }

  private changed(persist: boolean): void {
    this.pruneSettled();
    if (persist) this.persisted.save();
    this.changes.emit(this.list());
  }

  private pruneSettled(): void {
    let settled = 0;
    for (const entry of this.entries.values()) if (isSettled(entry)) settled++;
    if (settled <= this.maxSettled) return;
    for (const [clientId, entry] of this.entries) {
      if (settled <= this.maxSettled) break;
      if (isSettled(entry)) {
        this.entries.delete(clientId);
        settled--;
      }
    }
  }

  private pumpAll(): void {
    const conversations = new Set([...this.entries.values()].map((e) => e.conversationId));
    for (const conversationId of conversations) this.pump(conversationId);
  }

  /** Sends the oldest `sending` entry of a conversation, unless one is already in flight or waiting to retry. */
  private pump(conversationId: string): void {
    if (!this.running || this.inFlight.has(conversationId) || this.timers.has(conversationId))
      return;
    const next = [...this.entries.values()].find(
      (e) => e.conversationId === conversationId && e.status === 'sending',
    );
    if (!next) return;
    this.inFlight.add(conversationId);
    const { clientId, body, file, replyToId } = next;
    const work =
      file && file.fileId === null
        ? this.uploadFile(next, file).then(() => undefined)
        : this.sendEntry(conversationId, clientId, body, {
            ...(replyToId === undefined ? {} : { replyToId }),
            ...(file?.fileId ? { fileId: file.fileId } : {}),
          });
    void work.finally(() => {
      this.inFlight.delete(conversationId);
      this.pump(conversationId);
    });
  }

  /** Clients whose `messages.send` is under way (no longer cancellable). */
  private readonly sending = new Set<string>();

  private async sendEntry(
    conversationId: string,
    clientId: string,
    body: string,
    extra: { replyToId?: string; fileId?: string },
  ): Promise<void> {
    this.sending.add(clientId);
    try {
      const message = await this.options.send({
        conversationId,
        clientId,
        body,
        ...extra,
      });
      this.answered(clientId, message);
    } catch (error) {
      this.failed(conversationId, clientId, error);
    } finally {
      this.sending.delete(clientId);
    }
  }

  /** Uploads the entry's file; the pump then sends the message with its fileId. */
  private async uploadFile(entry: OutboxEntry, file: OutboxFile): Promise<void> {
    const bytes = this.fileBodies.get(entry.clientId);
    const upload = this.options.upload;
    if (!bytes || !upload) {
      entry.status = 'failed';
      entry.error = fileLostMessage;
      this.changed(true);
      return;
    }
    const controller = new AbortController();
    this.uploads.set(entry.clientId, controller);
    let lastEmit = 0;
    try {
      const attachment = await upload(bytes, {
        name: file.name,
        contentType: file.contentType,
        signal: controller.signal,
        onProgress: ({ loaded }) => {
          file.loaded = loaded;
          // Progress at most every 50 ms: a listener re-rendering per socket write is wasted work.
          const now = Date.now();
          if (now - lastEmit >= 50 || loaded === file.size) {
            lastEmit = now;
            this.changes.emit(this.list());
          }
        },
      });
      if (this.entries.get(entry.clientId) !== entry) return; // cancelled meanwhile
      this.attempts.delete(entry.conversationId);
      file.fileId = attachment.fileId;
      file.loaded = file.size;
      file.name = attachment.name;
      file.contentType = attachment.contentType;
      this.fileBodies.delete(entry.clientId);
      entry.error = null;
      this.changed(true);
    } catch (error) {
      if (this.entries.get(entry.clientId) !== entry) return; // cancelled
      file.loaded = 0;
      // Aborted by `stop`: it starts again with the pump.
      if (isAbort(error) && !this.running) return;
      this.failed(entry.conversationId, entry.clientId, error);
    } finally {
      this.uploads.delete(entry.clientId);
    }
  }

  private answered(clientId: string, message: Message): void {
    this.attempts.delete(message.conversationId);
    const entry = this.entries.get(clientId);
    if (!entry) return;
    // A status event may have overtaken the answer: keep whichever status is further along.
    const status = rank[message.status] >= rank[entry.status] ? message.status : entry.status;
    entry.status = status;
    entry.message = { ...message, status: status === 'sending' ? message.status : status };
    entry.error = null;
    this.changed(true);
  }

  private failed(conversationId: string, clientId: string, error: unknown): void {
    const entry = this.entries.get(clientId);
    // Gone, or known to be stored already (a status or message event came first): nothing to retry.
    if (!entry || entry.status !== 'sending') return;
    const details = describeError(error);
    if (isPermanentError(error)) {
      this.attempts.delete(conversationId);
      entry.status = 'failed';
      entry.error = details.message;
      this.changed(true);
      return;
    }
    const attempt = this.attempts.get(conversationId) ?? 0;
    this.attempts.set(conversationId, attempt + 1);
    entry.error = details.message;
    this.changes.emit(this.list());
    if (!this.running) return;
    const delay = Math.max(this.retryDelayMs(attempt), (details.retryAfter ?? 0) * 1000);
    const timer = setTimeout(() => {
      this.timers.delete(conversationId);
      this.pump(conversationId);
    }, delay);
    this.timers.set(conversationId, timer);
  }
}
