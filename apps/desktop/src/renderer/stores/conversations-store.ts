import {
  DELETED_USER_NAME,
  type ChatEvent,
  type Conversation,
  type Message,
  type PresenceEvent,
} from '@parley/protocol';
import { createMemo } from 'solid-js';
import { createStore, produce, reconcile } from 'solid-js/store';
import { compareMessageIds, type OutboxEntry } from '@parley/client';
import type { ChatClient } from '../lib/chat-client';
import { errorInfo } from '../lib/errors';

/** The newest thing said in a conversation, from the server or still on its way out. */
export interface Preview {
  body: string;
  /** Deleted for everyone: shown as a tombstone, not as its (empty) body. */
  deleted: boolean;
  createdAt: number;
  mine: boolean;
  senderName: string;
}

export interface ConversationsState {
  byId: Record<string, Conversation>;
  /** Latest outgoing message per conversation not yet in `lastMessage` (still sending). */
  outgoing: Record<string, OutboxEntry | undefined>;
  /** Conversations whose peer is typing now (presence `typing` events). */
  typing: Record<string, boolean>;
  loaded: boolean;
  error: string | null;
}

const activity = (conversation: Conversation, outgoing: OutboxEntry | undefined): number =>
  Math.max(conversation.lastMessage?.createdAt ?? conversation.createdAt, outgoing?.createdAt ?? 0);

/**
 * The conversation list: peers with presence, last message, unread count, most recent first,
 * kept live from the client's events, presence and outbox.
 */
export function createConversationsStore(client: ChatClient, selfId: () => string | null) {
  const [state, setState] = createStore<ConversationsState>({
    byId: {},
    outgoing: {},
    typing: {},
    loaded: false,
    error: null,
  });
  const fetching = new Set<string>();

  const ordered = createMemo(() =>
    Object.values(state.byId).sort(
      (a, b) => activity(b, state.outgoing[b.id]) - activity(a, state.outgoing[a.id]),
    ),
  );
  const totalUnread = createMemo(() => ordered().reduce((sum, c) => sum + c.unreadCount, 0));

  const upsert = (conversation: Conversation): void => {
    setState('byId', conversation.id, reconcile(conversation));
  };

  const fetchOne = async (conversationId: string): Promise<void> => {
    if (fetching.has(conversationId)) return;
    fetching.add(conversationId);
    try {
      upsert(await client.api.conversations.get.query({ conversationId }));
    } catch {
      // not ours, or offline: the next list load brings it
    } finally {
      fetching.delete(conversationId);
    }
  };

  const setPeerPresence = (userId: string, online: boolean, lastSeenAt: number | null): void => {
    setState(
      produce((draft) => {
        for (const conversation of Object.values(draft.byId)) {
          if (conversation.peer.id === userId) {
            conversation.peer.online = online;
            conversation.peer.lastSeenAt = lastSeenAt;
          }
        }
      }),
    );
  };

  const isNewer = (message: Message, than: Message | null): boolean =>
    than === null || message.id === than.id || message.createdAt >= than.createdAt;

  return {
    state,
    ordered,
    totalUnread,
    get: (conversationId: string): Conversation | undefined => state.byId[conversationId],

    preview(conversationId: string): Preview | null {
      const conversation = state.byId[conversationId];
      if (!conversation) return null;
      const last = conversation.lastMessage;
      const pending = state.outgoing[conversationId];
      if (pending && (!last || pending.createdAt > last.createdAt)) {
        return {
          body: pending.body,
          deleted: false,
          createdAt: pending.createdAt,
          mine: true,
          senderName: 'You',
        };
      }
      if (!last) return null;
      return {
        body: last.body,
        deleted: last.deletedAt !== null,
        createdAt: last.createdAt,
        mine: last.senderId !== null && last.senderId === selfId(),
        senderName: last.senderName,
      };
    },

    async load(): Promise<void> {
      try {
        const list = await client.api.conversations.list.query();
        setState('byId', reconcile(Object.fromEntries(list.map((c) => [c.id, c]))));
        setState({ loaded: true, error: null });
      } catch (error) {
        setState({ loaded: true, error: errorInfo(error).message });
      }
    },

    /** Get-or-create the conversation with `userId`; returns its id. */
    async open(userId: string): Promise<string> {
      const conversation = await client.api.conversations.open.mutate({ userId });
      if (!state.byId[conversation.id]) upsert(conversation);
      return conversation.id;
    },

    /** Applies one event; `isViewing(id)` says whether the user is looking at that conversation now. */
    applyEvent(event: ChatEvent, isViewing: (conversationId: string) => boolean): void {
      switch (event.type) {
        case 'message': {
          const { message } = event;
          const conversation = state.byId[message.conversationId];
          if (!conversation) {
            void fetchOne(message.conversationId);
            return;
          }
          const last = conversation.lastMessage;
          // A message the list already counted (the event stream replays what came before this
          // device's cursor, e.g. right after signing in) must not count as unread twice.
          const counted =
            last !== null && (last.id === message.id || message.createdAt < last.createdAt);
          if (isNewer(message, last)) {
            setState('byId', message.conversationId, 'lastMessage', reconcile(message));
          }
          const incoming = message.senderId !== selfId();
          if (incoming && !counted && !isViewing(message.conversationId)) {
            setState('byId', message.conversationId, 'unreadCount', (count) => count + 1);
          }
          // The server ends the indicator when a message is sent; this may come first.
          if (incoming) setState('typing', message.conversationId, false);
          return;
        }
        case 'message-updated': {
          const { message } = event;
          if (state.byId[message.conversationId]?.lastMessage?.id !== message.id) return;
          setState('byId', message.conversationId, 'lastMessage', (last) =>
            last ? { ...message, status: last.status === 'read' ? 'read' : message.status } : last,
          );
          return;
        }
        case 'read': {
          const last = state.byId[event.conversationId]?.lastMessage;
          const ours = last && last.senderId !== null && last.senderId === selfId();
          if (
            ours &&
            last.status !== 'failed' &&
            compareMessageIds(last.id, event.upToMessageId) <= 0
          )
            setState('byId', event.conversationId, 'lastMessage', 'status', 'read');
          return;
        }
        case 'status': {
          const last = state.byId[event.conversationId]?.lastMessage;
          if (last && (last.id === event.messageId || last.clientId === event.clientId)) {
            setState('byId', event.conversationId, 'lastMessage', 'status', event.status);
          }
          return;
        }
        case 'conversation':
          upsert(event.conversation);
          return;
        case 'peer-deleted':
          if (!state.byId[event.conversationId]) return;
          setState('byId', event.conversationId, 'peer', (peer) => ({
            ...peer,
            id: null,
            username: DELETED_USER_NAME,
            online: false,
            deleted: true,
          }));
          return;
      }
    },

    applyPresence(event: PresenceEvent): void {
      if (event.type === 'snapshot') {
        for (const peer of event.peers) setPeerPresence(peer.userId, peer.online, peer.lastSeenAt);
      } else if (event.type === 'presence') {
        setPeerPresence(event.userId, event.online, event.lastSeenAt);
        if (!event.online) {
          for (const conversation of Object.values(state.byId))
            if (conversation.peer.id === event.userId) setState('typing', conversation.id, false);
        }
      } else if (event.type === 'typing') {
        const conversation = state.byId[event.conversationId];
        if (conversation && conversation.peer.id === event.userId)
          setState('typing', event.conversationId, event.typing);
      }
    },

    /** Whether the peer of the conversation is typing now. */
    isTyping: (conversationId: string): boolean => state.typing[conversationId] === true,

    /** The connection dropped: a `typing: false` may be lost with it, so nobody shows as typing. */
    clearTyping(): void {
      setState('typing', reconcile({}));
    },

    /** Tracks the newest outgoing message per conversation, and adopts stored ones as lastMessage. */
    applyOutbox(entries: OutboxEntry[]): void {
      const newest: Record<string, OutboxEntry> = {};
      for (const entry of entries) {
        const current = newest[entry.conversationId];
        if (!current || entry.createdAt >= current.createdAt) newest[entry.conversationId] = entry;
      }
      setState(
        produce((draft) => {
          for (const id of Object.keys(draft.outgoing)) if (!newest[id]) delete draft.outgoing[id];
          for (const [id, entry] of Object.entries(newest)) {
            const conversation = draft.byId[id];
            if (entry.message && conversation && isNewer(entry.message, conversation.lastMessage)) {
              conversation.lastMessage = {
                ...entry.message,
                status: entry.status === 'sending' ? entry.message.status : entry.status,
              };
              delete draft.outgoing[id];
            } else if (!entry.message) {
              draft.outgoing[id] = { ...entry };
            } else {
              delete draft.outgoing[id];
            }
          }
        }),
      );
    },

    /**
     * Marks everything up to `messageId` read (the server's unread count is kept). `newest`: it is
     * the newest message, so the badge goes at once.
     */
    async markRead(conversationId: string, messageId: string, newest = true): Promise<void> {
      if (!state.byId[conversationId]) return;
      if (newest) setState('byId', conversationId, 'unreadCount', 0);
      try {
        const { unreadCount } = await client.api.conversations.markRead.mutate({
          conversationId,
          upToMessageId: messageId,
        });
        setState('byId', conversationId, 'unreadCount', unreadCount);
      } catch {
        // offline: marked again on the next message or visit
      }
    },
  };
}

export type ConversationsStore = ReturnType<typeof createConversationsStore>;
