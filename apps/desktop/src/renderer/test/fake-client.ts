import type {
  ChatEvent,
  Conversation,
  HistoryPage,
  Message,
  PresenceEvent,
  SearchPage,
  Session,
  Settings,
  User,
  UserSummary,
} from '@parley/protocol';
import {
  TypingNotifier,
  memoryStorage,
  type ConnectionState,
  type KeyValueStorage,
  type OutboxEntry,
} from '@parley/client';
import type { ChatClient } from '../lib/chat-client';
import type { Platform } from '../lib/platform';

/** A TRPCClientError look-alike: what `errorInfo` reads. */
export class FakeServerError extends Error {
  constructor(
    message: string,
    readonly data: { code: string; fieldErrors?: Record<string, string[]>; retryAfter?: number },
  ) {
    super(message);
  }
}

let counter = 0;
export const nextId = (prefix: string): string => `${prefix}${++counter}`;

export function makeMessage(
  overrides: Partial<Message> & Pick<Message, 'conversationId'>,
): Message {
  const id = overrides.id ?? nextId('m');
  return {
    id,
    clientId: overrides.clientId ?? `client-${id}`,
    senderId: 'u-bob',
    senderName: 'bob',
    anonymized: false,
    body: 'hello',
    createdAt: Date.now(),
    status: 'delivered',
    deliveredAt: null,
    editedAt: null,
    deletedAt: null,
    replyTo: null,
    attachment: null,
    ...overrides,
  };
}

export function makeConversation(
  overrides: Partial<Conversation> & { peerName: string; peerId?: string },
): Conversation {
  const { peerName, peerId, ...rest } = overrides;
  return {
    id: nextId('c'),
    peer: {
      id: peerId ?? `u-${peerName}`,
      username: peerName,
      online: false,
      lastSeenAt: null,
      deleted: false,
    },
    createdAt: 1_000,
    lastMessage: null,
    unreadCount: 0,
    ...rest,
  };
}

/**
 * An in-memory stand-in for @parley/client: the API answers from `data`, and tests push events,
 * presence, connection changes and outbox updates by hand.
 */
export function createFakeClient(options: { user?: User | null } = {}) {
  let user: User | null = options.user ?? null;
  let connection: ConnectionState = { kind: 'online' };
  let outbox: OutboxEntry[] = [];
  const listeners = {
    auth: new Set<(user: User | null) => void>(),
    connection: new Set<(state: ConnectionState) => void>(),
    event: new Set<(event: ChatEvent, id: string) => void>(),
    presence: new Set<(event: PresenceEvent) => void>(),
    outbox: new Set<(entries: OutboxEntry[]) => void>(),
  };
  const subscribe =
    <T>(set: Set<T>) =>
    (listener: T): (() => void) => {
      set.add(listener);
      return () => set.delete(listener);
    };
  const data = {
    users: [] as UserSummary[],
    conversations: [] as Conversation[],
    /** Per conversation, oldest first. */
    messages: {} as Record<string, Message[]>,
    searchResults: null as SearchPage | null,
    registerError: null as Error | null,
    loginError: null as Error | null,
    historyPageSize: 50,
    sessions: [] as Session[],
    settings: { readReceipts: true, typingIndicators: true } as Settings,
    /** Thrown by the next edit, delete or changePassword when set. */
    editError: null as Error | null,
    deleteError: null as Error | null,
    changePasswordError: null as Error | null,
  };
  const calls: Array<[string, unknown]> = [];
  let eventId = 0;
  const findMessage = (messageId: string): Message | undefined =>
    Object.values(data.messages)
      .flat()
      .find((m) => m.id === messageId);
  const typingCall = (conversationId: string, typing: boolean): Promise<void> => {
    calls.push(['conversations.typing', { conversationId, typing }]);
    return Promise.resolve();
  };
  const typing = new TypingNotifier({ send: typingCall });

  const files = new Map<string, { bytes: Uint8Array; name: string; contentType: string }>();
  const client: ChatClient = {
    files: {
      upload: async (body, options) => {
        calls.push(['files.upload', { name: options.name }]);
        const bytes = body instanceof Blob ? new Uint8Array(await body.arrayBuffer()) : body;
        const contentType =
          options.contentType ??
          (body instanceof Blob && body.type ? body.type : 'application/octet-stream');
        const fileId = `file-${files.size + 1}`;
        files.set(fileId, { bytes, name: options.name, contentType });
        options.onProgress?.({ loaded: bytes.byteLength, total: bytes.byteLength });
        return { fileId, name: options.name, size: bytes.byteLength, contentType };
      },
      download: (fileId) => {
        const file = files.get(fileId);
        if (!file)
          return Promise.reject(new FakeServerError('No such file.', { code: 'NOT_FOUND' }));
        return Promise.resolve({ ...file, size: file.bytes.byteLength });
      },
    },
    api: {
      auth: {
        sessions: { query: () => Promise.resolve(structuredClone(data.sessions)) },
        revokeSession: {
          mutate: (input) => {
            calls.push(['auth.revokeSession', input]);
            data.sessions = data.sessions.filter((s) => s.id !== input.sessionId);
            return Promise.resolve({ ok: true as const });
          },
        },
      },
      users: {
        search: {
          query: (input) => {
            calls.push(['users.search', input]);
            return Promise.resolve(
              data.users.filter((u) =>
                u.username.toLowerCase().includes(input.query.toLowerCase()),
              ),
            );
          },
        },
      },
      conversations: {
        open: {
          mutate: (input) => {
            calls.push(['conversations.open', input]);
            const existing = data.conversations.find((c) => c.peer.id === input.userId);
            if (existing) return Promise.resolve(existing);
            const summary = data.users.find((u) => u.id === input.userId);
            const created = makeConversation({
              peerName: summary?.username ?? 'someone',
              peerId: input.userId,
            });
            data.conversations.push(created);
            return Promise.resolve(created);
          },
        },
        list: { query: () => Promise.resolve(structuredClone(data.conversations)) },
        get: {
          query: (input) => {
            const found = data.conversations.find((c) => c.id === input.conversationId);
            return found
              ? Promise.resolve(structuredClone(found))
              : Promise.reject(new FakeServerError('Forbidden', { code: 'FORBIDDEN' }));
          },
        },
        markRead: {
          mutate: (input) => {
            calls.push(['conversations.markRead', input]);
            return Promise.resolve({ unreadCount: 0 });
          },
        },
      },
      messages: {
        history: {
          query: (input) => {
            calls.push(['messages.history', input]);
            const all = data.messages[input.conversationId] ?? [];
            const end = input.before ? all.findIndex((m) => m.id === input.before) : all.length;
            const limit = input.limit ?? data.historyPageSize;
            const start = Math.max(0, end - Math.min(limit, data.historyPageSize));
            const page: HistoryPage = {
              messages: structuredClone(all.slice(start, end)),
              nextBefore: start > 0 ? (all[start]?.id ?? null) : null,
            };
            return Promise.resolve(page);
          },
        },
        search: {
          query: (input) => {
            calls.push(['messages.search', input]);
            return Promise.resolve(data.searchResults ?? { results: [], nextBefore: null });
          },
        },
      },
    },
    user: () => user,
    register: (username) => {
      calls.push(['register', username]);
      if (data.registerError) return Promise.reject(data.registerError);
      user = { id: `u-${username}`, username, createdAt: Date.now() };
      return Promise.resolve(user);
    },
    login: (username) => {
      calls.push(['login', username]);
      if (data.loginError) return Promise.reject(data.loginError);
      user = { id: `u-${username}`, username, createdAt: Date.now() };
      return Promise.resolve(user);
    },
    logout: () => {
      calls.push(['logout', null]);
      user = null;
      for (const listener of listeners.auth) listener(null);
      return Promise.resolve();
    },
    deleteAccount: (password) => {
      calls.push(['deleteAccount', password]);
      user = null;
      for (const listener of listeners.auth) listener(null);
      return Promise.resolve();
    },
    restore: () => Promise.resolve(user),
    onAuthChange: subscribe(listeners.auth),
    connection: () => connection,
    onConnectionChange: subscribe(listeners.connection),
    reconnectNow: () => void calls.push(['reconnectNow', null]),
    checkConnection: (options) => {
      calls.push(['checkConnection', options ?? null]);
      return Promise.resolve(connection.kind === 'offline' ? 'offline' : 'alive');
    },
    onEvent: subscribe(listeners.event),
    isOwn: (event) => event.type === 'message' && event.message.senderId === user?.id,
    onPresence: subscribe(listeners.presence),
    send: (conversationId, body, options) => {
      calls.push([
        'send',
        options?.replyToId === undefined
          ? { conversationId, body }
          : { conversationId, body, replyToId: options.replyToId },
      ]);
      const entry: OutboxEntry = {
        clientId: nextId('client-'),
        conversationId,
        body,
        createdAt: Date.now(),
        status: 'sending',
        message: null,
        error: null,
        file: options?.file
          ? {
              name: options.file.name,
              size:
                options.file.body instanceof Uint8Array
                  ? options.file.body.byteLength
                  : options.file.body.size,
              contentType: options.file.contentType ?? 'application/octet-stream',
              fileId: null,
              loaded: 0,
            }
          : null,
        ...(options?.replyToId === undefined ? {} : { replyToId: options.replyToId }),
      };
      outbox = [...outbox, entry];
      for (const listener of listeners.outbox) listener(outbox);
      typing.sent(conversationId); // as the real client: the server ends the indicator
      return entry;
    },
    cancelSend: (clientId) => {
      calls.push(['cancelSend', { clientId }]);
      const before = outbox.length;
      outbox = outbox.filter((entry) => entry.clientId !== clientId);
      for (const listener of listeners.outbox) listener(outbox);
      return outbox.length < before;
    },
    retrySend: (clientId) => {
      calls.push(['retrySend', { clientId }]);
      return outbox.some((entry) => entry.clientId === clientId && entry.status === 'failed');
    },
    outbox: () => outbox,
    onOutboxChange: subscribe(listeners.outbox),
    messages: {
      edit: (messageId, body) => {
        calls.push(['messages.edit', { messageId, body }]);
        if (data.editError) return Promise.reject(data.editError);
        const message = findMessage(messageId);
        if (!message)
          return Promise.reject(new FakeServerError('Forbidden', { code: 'FORBIDDEN' }));
        Object.assign(message, { body, editedAt: Date.now() });
        return Promise.resolve(structuredClone(message));
      },
      delete: (messageId) => {
        calls.push(['messages.delete', { messageId }]);
        if (data.deleteError) return Promise.reject(data.deleteError);
        const message = findMessage(messageId);
        if (message) Object.assign(message, { body: '', deletedAt: Date.now() });
        return Promise.resolve();
      },
    },
    account: {
      settings: () => Promise.resolve({ ...data.settings }),
      updateSettings: (change) => {
        calls.push(['account.updateSettings', change]);
        data.settings = { ...data.settings, ...change };
        return Promise.resolve({ ...data.settings });
      },
      changePassword: (currentPassword, newPassword) => {
        calls.push(['account.changePassword', { currentPassword, newPassword }]);
        if (data.changePasswordError) return Promise.reject(data.changePasswordError);
        return user ? Promise.resolve(user) : Promise.reject(new Error('signed out'));
      },
    },
    conversations: { typing: typingCall },
    typing,
    close: () => undefined,
  };

  return {
    client,
    data,
    calls,
    /** The "server's" files, by id: what `files.download` answers. */
    files,
    emit(event: ChatEvent): void {
      eventId += 1;
      for (const listener of listeners.event) listener(event, String(eventId));
    },
    presence(event: PresenceEvent): void {
      for (const listener of listeners.presence) listener(event);
    },
    setConnection(state: ConnectionState): void {
      connection = state;
      for (const listener of listeners.connection) listener(state);
    },
    /** Moves an outbox entry on (e.g. the server stored it, or a status event arrived). */
    updateOutbox(clientId: string, change: Partial<OutboxEntry>): void {
      outbox = outbox.map((entry) =>
        entry.clientId === clientId ? { ...entry, ...change } : entry,
      );
      for (const listener of listeners.outbox) listener(outbox);
    },
  };
}

export type FakeClient = ReturnType<typeof createFakeClient>;

export function fakePlatform(
  storage: KeyValueStorage = memoryStorage(),
): Platform & { unread: number[]; notified: unknown[] } {
  const unread: number[] = [];
  const notified: unknown[] = [];
  return {
    kind: 'web',
    storage,
    unread,
    notified,
    setUnreadCount: (count) => void unread.push(count),
    notify: (notification) => void notified.push(notification),
    notificationPermission: () => 'default',
    requestNotificationPermission: () => Promise.resolve('default'),
    settings: () => Promise.resolve(null),
    setNotifications: () => Promise.resolve(),
    setAutoUpdate: () => Promise.resolve(),
    setServerUrl: () => Promise.resolve(),
    onOpenConversation: () => () => undefined,
  };
}
