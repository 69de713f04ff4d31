import type { AppRouter } from '@parley/api';
import type { AuthResult, ChatEvent, PresenceEvent, User } from '@parley/protocol';
import {
  createTRPCClient,
  createWSClient,
  httpBatchLink,
  httpLink,
  splitLink,
  wsLink,
  type HTTPHeaders,
  type Operation,
} from '@trpc/client';
import { accessTokenContextKey, authLink } from './auth-link.js';
import { AuthSession } from './auth-session.js';
import { backoffDelay } from './backoff.js';
import { ConnectionTracker } from './connection-tracker.js';
import { Emitter } from './emitter.js';
import type { OutboxEntry } from './outbox.js';
import type { ParleyClient, ParleyClientOptions } from './parley-client.js';
import { RealtimeSession } from './realtime-session.js';
import { memoryStorage } from './storage.js';
import { timeoutLink } from './timeout-link.js';

/** The WebSocket close code of an expired or revoked access token (API.md, "Transport"). */
export const TOKEN_REJECTED_CLOSE_CODE = 4001;

function authorization(op: Operation | undefined): HTTPHeaders {
  const token: unknown = op?.context[accessTokenContextKey];
  return typeof token === 'string' ? { authorization: `Bearer ${token}` } : {};
}

/**
 * The Parley client: typed procedures plus what every app needs — sessions that survive restarts, token refresh,
 * a WebSocket that reconnects with backoff, one deduplicated and acknowledged event stream that resumes where it
 * left off, and an outbox that never loses or doubles a message.
 */
export function createParleyClient(options: ParleyClientOptions): ParleyClient {
  const base = options.url.replace(/\/+$/, '');
  const httpUrl = `${base}/trpc`;
  const wsUrl = `${base.replace(/^http/i, 'ws')}/trpc`;
  const storage = options.storage ?? memoryStorage();
  const storageKey = options.storageKey ?? 'parley';
  const retryDelayMs = options.retryDelayMs ?? ((attempt: number) => backoffDelay(attempt));
  const requestTimeoutMs = options.requestTimeoutMs ?? 20_000;

  const tracker = new ConnectionTracker();
  const authChanges = new Emitter<[User | null]>();
  const events = new Emitter<[ChatEvent, string]>();
  const presence = new Emitter<[PresenceEvent]>();
  const outboxChanges = new Emitter<[OutboxEntry[]]>();
  let realtime: RealtimeSession | null = null;
  let closed = false;

  // Register, login and refresh need no token; a plain link keeps them out of the refresh logic.
  const publicApi = createTRPCClient<AppRouter>({
    links: [timeoutLink(requestTimeoutMs), httpLink({ url: httpUrl })],
  });
  const session = new AuthSession({
    storage,
    key: `${storageKey}:auth`,
    refresh: (refreshToken) => publicApi.auth.refresh.mutate({ refreshToken }),
  });

  /** The token the current socket authenticated with, and one the server closed a socket for (4001). */
  let socketToken: string | null = null;
  let refusedSocketToken: string | null = null;
  /** A refused socket token that a reconnect has already replaced with a fresh one. */
  let replacedSocketToken: string | null = null;
  let reconnectAtOnce = false;
  let lastImmediateReconnect = 0;

  const wsClient = createWSClient({
    url: wsUrl,
    WebSocket: options.WebSocket as typeof WebSocket | undefined,
    // Connect only once there is something to subscribe to (after sign-in); close when idle.
    lazy: { enabled: true, closeMs: 10_000 },
    keepAlive: {
      enabled: true,
      intervalMs: options.keepAlive?.intervalMs ?? 10_000,
      pongTimeoutMs: options.keepAlive?.pongTimeoutMs ?? 5_000,
    },
    retryDelayMs: (attempt) => {
      // After a 4001 the first attempt goes at once: it only needs a fresh token.
      const delay = attempt === 0 && reconnectAtOnce ? 0 : retryDelayMs(attempt);
      reconnectAtOnce = false;
      if (realtime && !closed) tracker.set({ kind: 'reconnecting', retryAt: Date.now() + delay });
      return delay;
    },
    connectionParams: async () => {
      let token = await session.accessToken();
      if (token !== null && token === refusedSocketToken) {
        token = (await session.rejected(token))?.accessToken ?? null;
      }
      if (refusedSocketToken !== null) replacedSocketToken = refusedSocketToken;
      refusedSocketToken = null;
      socketToken = token;
      return token === null ? null : { token };
    },
    onClose: (cause) => {
      if (cause?.code === TOKEN_REJECTED_CLOSE_CODE) {
        refusedSocketToken = socketToken;
        // At once, but not in a loop if the server keeps refusing fresh tokens: then the backoff applies.
        reconnectAtOnce = Date.now() - lastImmediateReconnect > 10_000;
        if (reconnectAtOnce) lastImmediateReconnect = Date.now();
      }
    },
  });

  const api = createTRPCClient<AppRouter>({
    links: [
      authLink(session),
      timeoutLink(requestTimeoutMs),
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: wsLink<AppRouter>({ client: wsClient }),
        false: splitLink({
          // Sends are not batched: a batch of long messages would pass the server's 64 KiB body limit.
          condition: (op) => op.path === 'messages.send',
          true: httpLink({ url: httpUrl, headers: ({ op }) => authorization(op) }),
          false: httpBatchLink({
            url: httpUrl,
            maxItems: 10,
            maxURLLength: 2000,
            headers: ({ opList }) => authorization(opList[0]),
          }),
        }),
      }),
    ],
  });

  const stopRealtime = async (forget: boolean): Promise<void> => {
    const current = realtime;
    realtime = null;
    if (current) {
      if (forget) await current.clear();
      else current.stop();
      outboxChanges.emit([]); // outbox() is empty while signed out
    }
    await wsClient.close();
    tracker.set({ kind: 'offline' });
  };

  const startRealtime = async (user: User): Promise<void> => {
    if (closed) return;
    tracker.set({ kind: 'connecting' });
    const next = new RealtimeSession({
      api,
      user,
      storage,
      storageKey,
      retryDelayMs,
      tracker,
      events,
      presence,
      outboxChanges,
      onUnauthorized: async () => {
        // The server answers a refused socket's subscriptions UNAUTHORIZED and then closes it with
        // 4001. When that close came first, its reconnect gets (or got) the fresh token: a second
        // refresh, or closing the new socket, would only get in its way.
        if (refusedSocketToken !== null || replacedSocketToken !== null) {
          replacedSocketToken = null;
          return;
        }
        if (socketToken !== null) await session.rejected(socketToken);
        await wsClient.close();
      },
    });
    realtime = next;
    await next.start();
  };

  session.onChange((user) => {
    authChanges.emit(user);
    // The server ended the session (refresh refused): stop, but keep cursor and outbox for the next sign-in.
    if (user === null && realtime) void stopRealtime(false);
  });

  const signIn = async (auth: AuthResult): Promise<User> => {
    if (realtime) await stopRealtime(false);
    session.set(auth);
    await session.flush();
    await startRealtime(auth.user);
    return auth.user;
  };

  const signOutLocally = async (): Promise<void> => {
    await stopRealtime(true);
    await session.clear();
  };

  return {
    api,
    user: () => session.user(),
    register: async (username, password) =>
      signIn(await publicApi.auth.register.mutate({ username, password })),
    login: async (username, password) =>
      signIn(await publicApi.auth.login.mutate({ username, password })),
    logout: async () => {
      try {
        if (session.user()) await api.auth.logout.mutate();
      } catch {
        // Offline or already ended: the local sign-out below is what matters to the user.
      } finally {
        await signOutLocally();
      }
    },
    deleteAccount: async (password) => {
      await api.account.delete.mutate({ password });
      await signOutLocally();
    },
    restore: async () => {
      if (closed) return null;
      const stored = await session.load();
      if (!stored) return null;
      try {
        // Refreshes first if the stored access token is about to expire; a refused refresh token ends it here.
        await session.accessToken();
      } catch {
        // Offline: keep the stored session; the connection retries with backoff and refreshes then.
      }
      const user = session.user();
      if (!user) return null;
      await startRealtime(user);
      return user;
    },
    onAuthChange: (listener) => authChanges.add(listener),
    connection: () => tracker.get(),
    onConnectionChange: (listener) => tracker.onChange(listener),
    onEvent: (listener) => events.add(listener),
    onPresence: (listener) => presence.add(listener),
    send: (conversationId, body) => {
      if (!realtime) throw new Error('Sign in before sending messages.');
      return realtime.outbox.enqueue(conversationId, body);
    },
    outbox: () => realtime?.outbox.list() ?? [],
    onOutboxChange: (listener) => outboxChanges.add(listener),
    flush: async () => {
      await Promise.all([session.flush(), realtime?.flush()]);
    },
    stats: () => ({
      cursor: realtime?.cursor ?? null,
      refreshes: session.refreshCount,
      acknowledged: realtime?.acks.acknowledged ?? 0,
      events: realtime?.surfaced ?? 0,
      duplicates: realtime?.duplicates ?? 0,
      drops: tracker.drops,
    }),
    close: () => {
      if (closed) return;
      closed = true;
      const current = realtime;
      realtime = null;
      current?.stop();
      void current?.flush();
      void wsClient.close();
      session.close();
      tracker.close();
      for (const emitter of [authChanges, events, presence, outboxChanges]) emitter.clear();
    },
  };
}
