import type { Message, MessageStatus } from '@parley/protocol';
import { messageBodySchema } from '@parley/protocol';
import { backoffDelay } from './backoff.js';
import { describeError, isPermanentError } from './describe-error.js';
import { compareMessageIds } from './message-order.js';
import { Emitter } from './emitter.js';
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
}

export type SendMessage = (input: {
  conversationId: string;
  clientId: string;
  body: string;
  replyToId?: string;
}) => Promise<Message>;

export interface OutboxOptions {
  storage: KeyValueStorage;
  /** Storage key of this user's outbox. */
  key: string;
  send: SendMessage;
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

function parseEntries(value: unknown): OutboxEntry[] {
  if (typeof value !== 'object' || value === null) return [];
  const { entries } = value as { entries?: unknown };
  if (!Array.isArray(entries)) return [];
  return entries.filter(
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

  enqueue(conversationId: string, body: string, replyToId?: string): OutboxEntry {
    const parsed = messageBodySchema.safeParse(body);
    const entry: OutboxEntry = {
      clientId: this.createId(),
      conversationId,
      body,
      createdAt: this.now(),
      status: parsed.success ? 'sending' : 'failed',
      message: null,
      error: parsed.success ? null : (parsed.error.issues[0]?.message ?? 'Invalid message'),
      ...(replyToId === undefined ? {} : { replyToId }),
    };
    this.entries.set(entry.clientId, entry);
    this.changed(parsed.success);
    if (parsed.success) this.pump(conversationId);
    return { ...entry };
  }

  list(): OutboxEntry[] {
    return [...this.entries.values()].map((e) => ({ ...e }));
  }

  get(clientId: string): OutboxEntry | null {
    const entry = this.entries.get(clientId);
    return entry ? { ...entry } : null;
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
    const { clientId, body, replyToId } = next;
    this.options
      .send({ conversationId, clientId, body, ...(replyToId === undefined ? {} : { replyToId }) })
      .then(
        (message) => this.answered(clientId, message),
        (error: unknown) => this.failed(conversationId, clientId, error),
      )
      .finally(() => {
        this.inFlight.delete(conversationId);
        this.pump(conversationId);
      });
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
