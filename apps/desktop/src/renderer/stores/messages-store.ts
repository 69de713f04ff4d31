import {
  DELETED_USER_NAME,
  limits,
  type ChatEvent,
  type Message,
  type MessageStatus,
  type ReplyRef,
} from '@parley/protocol';
import { createStore, produce, reconcile } from 'solid-js/store';
import { compareMessageIds, type OutboxEntry, type OutboxFile } from '@parley/client';
import type { ChatClient } from '../lib/chat-client';
import { errorInfo } from '../lib/errors';

export type ItemStatus = OutboxEntry['status'];

/** One row of the chat view: a stored message, or one of ours still on its way. */
export interface ChatItem extends Pick<
  Message,
  | 'conversationId'
  | 'senderId'
  | 'senderName'
  | 'anonymized'
  | 'body'
  | 'createdAt'
  | 'editedAt'
  | 'deletedAt'
  | 'replyTo'
  | 'attachment'
> {
  /** Our file on its way out (upload progress, failure), until the stored message carries it. */
  upload: OutboxFile | null;
  /** The clientId: stable from the moment of sending to the stored message. */
  key: string;
  /** null until the server has stored it. */
  id: string | null;
  mine: boolean;
  status: ItemStatus;
  error: string | null;
}

export interface ThreadState {
  messages: Message[];
  nextBefore: string | null;
  loaded: boolean;
  loading: boolean;
  loadingOlder: boolean;
  error: string | null;
}

const rank: Record<ItemStatus, number> = {
  sending: 0,
  pending: 1,
  sent: 2,
  delivered: 3,
  read: 4,
  failed: 4,
};
const best = (...statuses: Array<ItemStatus | undefined>): ItemStatus =>
  statuses.reduce<ItemStatus>((a, b) => (b !== undefined && rank[b] > rank[a] ? b : a), 'sending');

/** What a reply quotes of `message`, as the server would: its first 100 code points, or nothing once deleted. */
export function replyRefOf(
  message: Pick<Message, 'id' | 'senderName' | 'body' | 'deletedAt'>,
): ReplyRef {
  const deleted = message.deletedAt !== null;
  return {
    id: message.id,
    senderName: message.senderName,
    excerpt: deleted ? '' : [...message.body].slice(0, limits.replyExcerptCodePoints).join(''),
    deleted,
  };
}

const emptyThread = (): ThreadState => ({
  messages: [],
  nextBefore: null,
  loaded: false,
  loading: false,
  loadingOlder: false,
  error: null,
});

export const HISTORY_PAGE = 50;
/** How far back "jump to message" pages before giving up. */
const MAX_JUMP_PAGES = 40;

/** Message history per conversation (paged backwards), live messages, and our outgoing ones. */
export function createMessagesStore(client: ChatClient, selfId: () => string | null) {
  const [state, setState] = createStore<{
    threads: Record<string, ThreadState>;
    /** Best status seen per clientId of our own messages (from status events and the outbox). */
    statuses: Record<string, ItemStatus>;
    outbox: Record<string, OutboxEntry[]>;
  }>({ threads: {}, statuses: {}, outbox: {} });

  const thread = (conversationId: string): ThreadState =>
    state.threads[conversationId] ?? emptyThread();
  const ensureThread = (conversationId: string): void => {
    if (!state.threads[conversationId]) setState('threads', conversationId, emptyThread());
  };
  const raise = (clientId: string, status: ItemStatus): void => {
    const current = state.statuses[clientId];
    if (current === undefined || rank[status] > rank[current])
      setState('statuses', clientId, status);
  };
  const has = (conversationId: string, message: Pick<Message, 'id' | 'clientId'>): boolean =>
    thread(conversationId).messages.some(
      (m) => m.id === message.id || (m.clientId === message.clientId && m.senderId === selfId()),
    );

  const append = (message: Message): void => {
    if (!state.threads[message.conversationId]?.loaded || has(message.conversationId, message))
      return;
    setState('threads', message.conversationId, 'messages', (messages) => [...messages, message]);
  };

  const load = async (conversationId: string): Promise<void> => {
    const current = thread(conversationId);
    if (current.loaded || current.loading) return;
    ensureThread(conversationId);
    setState('threads', conversationId, { loading: true, error: null });
    try {
      const page = await client.api.messages.history.query({ conversationId, limit: HISTORY_PAGE });
      setState('threads', conversationId, (previous) => {
        // live messages that arrived while loading stay, after the page
        const known = new Set(page.messages.map((m) => m.id));
        return {
          messages: [...page.messages, ...previous.messages.filter((m) => !known.has(m.id))],
          nextBefore: page.nextBefore,
          loaded: true,
          loading: false,
        };
      });
    } catch (error) {
      setState('threads', conversationId, { loading: false, error: errorInfo(error).message });
    }
  };

  const loadOlder = async (conversationId: string): Promise<boolean> => {
    const current = thread(conversationId);
    if (!current.loaded || current.loadingOlder || current.nextBefore === null) return false;
    setState('threads', conversationId, 'loadingOlder', true);
    try {
      const page = await client.api.messages.history.query({
        conversationId,
        before: current.nextBefore,
        limit: HISTORY_PAGE,
      });
      setState('threads', conversationId, (previous) => {
        const known = new Set(previous.messages.map((m) => m.id));
        return {
          messages: [...page.messages.filter((m) => !known.has(m.id)), ...previous.messages],
          nextBefore: page.nextBefore,
          loadingOlder: false,
        };
      });
      return true;
    } catch (error) {
      setState('threads', conversationId, { loadingOlder: false, error: errorInfo(error).message });
      return false;
    }
  };

  /** An edit or delete for everyone: the message in place, and the quotes of replies to it. */
  const applyUpdated = (updated: Message): void => {
    const messages = state.threads[updated.conversationId]?.messages;
    if (!messages) return;
    setState(
      produce((draft) => {
        const list = draft.threads[updated.conversationId]?.messages ?? [];
        for (const message of list) {
          if (message.id === updated.id) {
            const status = best(message.status, updated.status) as MessageStatus;
            Object.assign(message, updated, { status });
          } else if (message.replyTo?.id === updated.id) {
            message.replyTo = { ...replyRefOf(updated), senderName: message.replyTo.senderName };
          }
        }
      }),
    );
  };

  /** The peer read our messages of the conversation up to `upToMessageId`. */
  const applyRead = (conversationId: string, upToMessageId: string): void => {
    const me = selfId();
    setState(
      produce((draft) => {
        for (const message of draft.threads[conversationId]?.messages ?? []) {
          if (message.senderId === null || message.senderId !== me) continue;
          if (!(compareMessageIds(message.id, upToMessageId) <= 0)) continue;
          if (message.status === 'failed' || message.status === 'read') continue;
          message.status = 'read';
          const current = draft.statuses[message.clientId];
          if (current === undefined || rank[current] < rank.read)
            draft.statuses[message.clientId] = 'read';
        }
      }),
    );
  };

  return {
    state,
    thread,
    load,
    loadOlder,
    applyUpdated,

    /** Loads older pages until `messageId` is in view (search → jump). Returns whether it was found. */
    async loadUntil(conversationId: string, messageId: string): Promise<boolean> {
      await load(conversationId);
      for (let page = 0; page < MAX_JUMP_PAGES; page++) {
        if (thread(conversationId).messages.some((m) => m.id === messageId)) return true;
        if (!(await loadOlder(conversationId))) break;
      }
      return thread(conversationId).messages.some((m) => m.id === messageId);
    },

    /**
     * Loads older pages until the last `unread` incoming messages are all loaded (or the start is
     * reached), and returns the id of the first of them: where "new messages" begins.
     */
    async loadUnread(conversationId: string, unread: number): Promise<string | null> {
      await load(conversationId);
      const me = selfId();
      const firstUnread = (): Message | undefined => {
        const incoming = thread(conversationId).messages.filter((m) => m.senderId !== me);
        return incoming.length >= unread ? incoming[incoming.length - unread] : undefined;
      };
      for (let page = 0; unread > 0 && page < MAX_JUMP_PAGES && !firstUnread(); page++) {
        if (!(await loadOlder(conversationId))) break;
      }
      if (unread <= 0) return null;
      const incoming = thread(conversationId).messages.filter((m) => m.senderId !== me);
      return (firstUnread() ?? incoming[0])?.id ?? null;
    },
    /** The rows of the chat view, oldest first. */
    items(conversationId: string): ChatItem[] {
      const me = selfId();
      const pending = state.outbox[conversationId] ?? [];
      const entryByClientId = new Map(pending.map((entry) => [entry.clientId, entry]));
      const messages = thread(conversationId).messages;
      const shown = new Set<string>();
      const rows: ChatItem[] = messages.map((message) => {
        const mine = message.senderId !== null && message.senderId === me;
        if (mine) shown.add(message.clientId);
        const entry = mine ? entryByClientId.get(message.clientId) : undefined;
        return {
          key: mine ? message.clientId : message.id,
          id: message.id,
          conversationId,
          senderId: message.senderId,
          senderName: message.senderName,
          anonymized: message.anonymized,
          body: message.body,
          createdAt: message.createdAt,
          editedAt: message.editedAt,
          deletedAt: message.deletedAt,
          replyTo: message.replyTo,
          attachment: message.attachment,
          upload: null,
          mine,
          status: mine
            ? best(message.status, state.statuses[message.clientId], entry?.status)
            : message.status,
          error: entry?.error ?? null,
        };
      });
      const byId = new Map(messages.map((message) => [message.id, message]));
      for (const entry of pending) {
        if (shown.has(entry.clientId)) continue;
        const original = entry.replyToId === undefined ? undefined : byId.get(entry.replyToId);
        rows.push({
          key: entry.clientId,
          id: entry.message?.id ?? null,
          conversationId,
          senderId: me,
          senderName: 'You',
          anonymized: false,
          body: entry.message?.body ?? entry.body,
          createdAt: entry.createdAt,
          editedAt: entry.message?.editedAt ?? null,
          deletedAt: entry.message?.deletedAt ?? null,
          replyTo: entry.message?.replyTo ?? (original ? replyRefOf(original) : null),
          attachment: entry.message?.attachment ?? null,
          upload: entry.file,
          mine: true,
          status: best(entry.status, entry.message?.status, state.statuses[entry.clientId]),
          error: entry.error,
        });
      }
      return rows;
    },

    applyEvent(event: ChatEvent): void {
      if (event.type === 'message') append(event.message);
      else if (event.type === 'message-updated') applyUpdated(event.message);
      else if (event.type === 'read') applyRead(event.conversationId, event.upToMessageId);
      else if (event.type === 'status') {
        raise(event.clientId, event.status);
        const messages = state.threads[event.conversationId]?.messages;
        const index = messages?.findIndex((m) => m.id === event.messageId) ?? -1;
        if (index >= 0) {
          setState('threads', event.conversationId, 'messages', index, (message) => ({
            status: best(message.status, event.status) as MessageStatus,
            deliveredAt: event.status === 'delivered' ? event.at : message.deliveredAt,
          }));
        }
      }
    },

    /** The peer deleted their account: their messages now show as "Deleted User". */
    applyPeerDeleted(conversationId: string, peerId: string | null): void {
      if (!state.threads[conversationId]) return;
      setState(
        produce((draft) => {
          for (const message of draft.threads[conversationId]?.messages ?? []) {
            if (
              message.senderId !== null &&
              message.senderId !== selfId() &&
              (peerId === null || message.senderId === peerId)
            ) {
              message.senderId = null;
              message.senderName = DELETED_USER_NAME;
              message.anonymized = true;
            }
          }
        }),
      );
    },

    applyOutbox(entries: OutboxEntry[]): void {
      const grouped: Record<string, OutboxEntry[]> = {};
      for (const entry of entries) (grouped[entry.conversationId] ??= []).push({ ...entry });
      setState('outbox', reconcile(grouped));
      for (const entry of entries) {
        if (entry.status !== 'sending') raise(entry.clientId, entry.status);
        if (entry.message) append(entry.message);
      }
    },

    /** A stored message of a loaded conversation, by id. */
    find(conversationId: string, messageId: string): Message | undefined {
      return thread(conversationId).messages.find((m) => m.id === messageId);
    },

    /** The newest message id of a conversation (what markRead marks up to). */
    lastMessageId(conversationId: string): string | null {
      const messages = thread(conversationId).messages;
      return messages[messages.length - 1]?.id ?? null;
    },
  };
}

export type MessagesStore = ReturnType<typeof createMessagesStore>;
