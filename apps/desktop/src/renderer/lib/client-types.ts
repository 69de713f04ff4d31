import type {
  ChatEvent,
  Conversation,
  HistoryPage,
  Message,
  MessageStatus,
  PresenceEvent,
  SearchPage,
  User,
  UserSummary,
} from '@parley/protocol';

/**
 * The part of @parley/client's `ParleyClient` (notes/client-api.md) the app uses. Stores depend on
 * this narrow interface, so component tests can hand them a small fake; the real client satisfies
 * it (checked in client-factory.ts).
 */
export interface ChatApi {
  users: {
    search: { query(input: { query: string; limit?: number }): Promise<UserSummary[]> };
  };
  conversations: {
    open: { mutate(input: { userId: string }): Promise<Conversation> };
    list: { query(): Promise<Conversation[]> };
    get: { query(input: { conversationId: string }): Promise<Conversation> };
    markRead: {
      mutate(input: {
        conversationId: string;
        upToMessageId: string;
      }): Promise<{ unreadCount: number }>;
    };
  };
  messages: {
    history: {
      query(input: {
        conversationId: string;
        before?: string;
        limit?: number;
      }): Promise<HistoryPage>;
    };
    search: {
      query(input: {
        query: string;
        conversationId?: string;
        before?: string;
        limit?: number;
      }): Promise<SearchPage>;
    };
  };
}

export type ConnectionState =
  | { kind: 'connecting' }
  | { kind: 'online' }
  | { kind: 'reconnecting'; retryAt: number }
  | { kind: 'offline' };

export interface OutboxEntry {
  clientId: string;
  conversationId: string;
  body: string;
  createdAt: number;
  status: 'sending' | MessageStatus;
  message: Message | null;
  error: string | null;
}

export interface ChatClient {
  api: ChatApi;
  user(): User | null;
  register(username: string, password: string): Promise<User>;
  login(username: string, password: string): Promise<User>;
  logout(): Promise<void>;
  deleteAccount(password: string): Promise<void>;
  restore(): Promise<User | null>;
  onAuthChange(listener: (user: User | null) => void): () => void;
  connection(): ConnectionState;
  onConnectionChange(listener: (state: ConnectionState) => void): () => void;
  onEvent(listener: (event: ChatEvent, eventId: string) => void): () => void;
  onPresence(listener: (event: PresenceEvent) => void): () => void;
  send(conversationId: string, body: string): OutboxEntry;
  outbox(): OutboxEntry[];
  onOutboxChange(listener: (entries: OutboxEntry[]) => void): () => void;
  close(): void;
}

export interface KeyValueStorage {
  getItem(key: string): string | null | Promise<string | null>;
  setItem(key: string, value: string): void | Promise<void>;
  removeItem(key: string): void | Promise<void>;
}
