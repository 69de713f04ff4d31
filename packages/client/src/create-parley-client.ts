import type { AppRouter } from '@parley/api';
import type { AuthResult, PresenceEvent, User } from '@parley/protocol';
import {
  createTRPCClient,
  createWSClient,
  httpBatchLink,
  httpLink,
  splitLink,
  wsLink,
  type HTTPHeaders,
  type Operation,
  type TRPCWebSocketClient as WsClient,
} from '@trpc/client';
import { accessTokenContextKey, authLink } from './auth-link.js';
import { AuthSession } from './auth-session.js';
import { backoffDelay } from './backoff.js';
import type { CheckConnectionOptions, ConnectionCheck } from './connection-check.js';
import { ConnectionTracker } from './connection-tracker.js';
import { Emitter } from './emitter.js';
import { EventListeners } from './event-listeners.js';
import { guarded, logListenerError, type ListenerErrorContext } from './listener-errors.js';
import type { OutboxEntry } from './outbox.js';
import type { ParleyClient, ParleyClientOptions } from './parley-client.js';
import { createParleyFiles } from './parley-files.js';
import { RealtimeSession } from './realtime-session.js';
import { SocketActivity } from './socket-activity.js';
import { memoryStorage } from './storage.js';
import { timeoutLink } from './timeout-link.js';
import { TypingNotifier } from './typing-notifier.js';
import { resolveWebSocket } from './websocket.js';

/** The WebSocket close code of an expired or revoked access token (docs/api.md, "WebSocket close codes"). */
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
  const activity = new SocketActivity(resolveWebSocket(options.WebSocket));
  const ackMode = options.ack ?? 'auto';
  if (ackMode !== 'auto' && ackMode !== 'manual') {
    throw new TypeError(`ack must be 'auto' or 'manual', not ${JSON.stringify(ackMode)}`);
  }
  const onError = options.onError ?? logListenerError;
  /** A user's listener: what it throws or rejects goes to onError, never into the client. */
  const guard = <Args extends unknown[]>(
    source: ListenerErrorContext['source'],
    listener: (...args: Args) => unknown,
  ) => guarded(listener, (error) => onError(error, { source }));

  const tracker = new ConnectionTracker();
  const authChanges = new Emitter<[User | null]>();
  const events = new EventListeners(onError);
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

  /** A socket client; reconnectNow() replaces the current one (tRPC's own retry waits out its delay). */
  const createSocket = (): WsClient => {
    const created: WsClient = createWSClient({
      url: wsUrl,
      // tRPC types the option as the DOM's class; it uses only what WebSocketLike has.
      WebSocket: activity.WebSocket as unknown as typeof WebSocket,
      // Connect only once there is something to subscribe to (after sign-in); close when idle.
      lazy: { enabled: true, closeMs: 10_000 },
      keepAlive: {
        enabled: true,
        intervalMs: options.keepAlive?.intervalMs ?? 25_000,
        pongTimeoutMs: options.keepAlive?.pongTimeoutMs ?? 5_000,
      },
      retryDelayMs: (attempt) => {
        // After a 4001 the first attempt goes at once: it only needs a fresh token.
        const delay = attempt === 0 && reconnectAtOnce ? 0 : retryDelayMs(attempt);
        reconnectAtOnce = false;
        // A replaced socket may still be winding down: only the current one reports.
        if (created === wsClient && realtime && !closed)
          tracker.set({ kind: 'reconnecting', retryAt: Date.now() + delay });
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
        if (created !== wsClient) return;
        if (cause?.code === TOKEN_REJECTED_CLOSE_CODE) {
          refusedSocketToken = socketToken;
          // At once, but not in a loop if the server keeps refusing fresh tokens: then the backoff applies.
          reconnectAtOnce = Date.now() - lastImmediateReconnect > 10_000;
          if (reconnectAtOnce) lastImmediateReconnect = Date.now();
        }
      },
    });
    return created;
  };
  let wsClient = createSocket();
  /** What the subscription link talks to: always the current socket client. */
  const currentSocket = {
    get connectionState() {
      return wsClient.connectionState;
    },
    request: (...args: Parameters<WsClient['request']>) => wsClient.request(...args),
  } as unknown as WsClient;

  const api = createTRPCClient<AppRouter>({
    links: [
      authLink(session),
      timeoutLink(requestTimeoutMs),
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: wsLink<AppRouter>({ client: currentSocket }),
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

  const files = createParleyFiles({ baseUrl: base, session });

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
      ackMode,
      skipOwnMessages: options.skipOwnMessages ?? false,
      presence,
      outboxChanges,
      upload: (body, upload) => files.upload(body, upload),
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

  /** Replaces the socket now (instead of waiting out the backoff) and retries what waits to be sent. */
  let lastReconnectNow = 0;
  const reconnectNow = (): void => {
    const current = realtime;
    if (!current || closed) return;
    lastReconnectNow = Date.now();
    const previous = wsClient;
    wsClient = createSocket();
    tracker.set({ kind: 'connecting' });
    current.resubscribe(); // onto the new socket, from the cursor
    current.retryNow();
    void previous.close();
  };

  /** One check at a time: a focus and a visibilitychange that come together share one round trip. */
  let runningCheck: Promise<ConnectionCheck> | null = null;
  const checkConnection = (checkOptions: CheckConnectionOptions = {}): Promise<ConnectionCheck> => {
    if (!realtime || closed) return Promise.resolve('offline');
    if (runningCheck) return runningCheck;
    const timeoutMs = checkOptions.timeoutMs ?? 3_000;
    const ifSilentForMs = checkOptions.ifSilentForMs ?? 0;
    const socket = wsClient.connection;
    const open = socket?.state === 'open' ? socket.ws : null;
    const lastFrameAt = open ? activity.lastFrameAt(open) : undefined;
    if (
      tracker.get().kind === 'online' &&
      lastFrameAt !== undefined &&
      Date.now() - lastFrameAt < ifSilentForMs
    )
      return Promise.resolve('alive');
    const check = async (): Promise<ConnectionCheck> => {
      const checked = wsClient;
      if (tracker.get().kind !== 'reconnecting' && open) {
        if (await activity.ping(open, timeoutMs)) {
          // The server answers: what waits for a backoff timer (unsent messages, acks) goes now.
          realtime?.retryNow();
          return 'alive';
        }
        if (!realtime || closed) return 'offline';
        // Dead, unless something else replaced the socket meanwhile: then the new one stands.
        if (wsClient === checked) reconnectNow();
        return 'reconnecting';
      }
      // Waiting out a backoff (or the socket is gone): go now, but not in a loop when checks come often.
      if (tracker.get().kind !== 'connecting' && Date.now() - lastReconnectNow >= timeoutMs)
        reconnectNow();
      return 'reconnecting';
    };
    const running = check().finally(() => {
      runningCheck = null;
    });
    runningCheck = running;
    return running;
  };

  // While a reconnect waits out its delay, a cheap GET /healthz asks whether the server is back; when it
  // is, the reconnect goes at once rather than when the (possibly long) delay ends.
  const healthProbeMs = options.healthProbeMs ?? 1_000;
  const probeFetch = options.fetch ?? globalThis.fetch;
  let probeTimer: ReturnType<typeof setTimeout> | null = null;
  const stopProbing = (): void => {
    if (probeTimer) clearTimeout(probeTimer);
    probeTimer = null;
  };
  const probe = async (): Promise<void> => {
    probeTimer = null;
    if (tracker.get().kind !== 'reconnecting') return;
    let healthy = false;
    try {
      const answer = await probeFetch(`${base}/healthz`, {
        signal: AbortSignal.timeout(Math.max(1_000, healthProbeMs * 2)),
      });
      healthy = answer.ok;
    } catch {
      // still unreachable
    }
    if (tracker.get().kind !== 'reconnecting') return;
    // Not in a loop when the server answers /healthz but refuses sockets: then the backoff applies.
    if (healthy && Date.now() - lastReconnectNow > 3 * healthProbeMs) reconnectNow();
    else scheduleProbe();
  };
  const scheduleProbe = (): void => {
    if (probeTimer || healthProbeMs <= 0 || typeof probeFetch !== 'function') return;
    // jittered, so that many clients do not probe in step
    probeTimer = setTimeout(() => void probe(), healthProbeMs * (0.8 + 0.4 * Math.random()));
  };
  tracker.onChange((state) => {
    if (state.kind === 'reconnecting') scheduleProbe();
    else if (state.kind !== 'connecting') stopProbing();
  });

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

  const typing = new TypingNotifier({
    send: (conversationId, value) =>
      session.user()
        ? api.conversations.typing.mutate({ conversationId, typing: value })
        : Promise.resolve(),
  });

  const signOutLocally = async (): Promise<void> => {
    typing.reset();
    await stopRealtime(true);
    await session.clear();
  };

  return {
    api,
    files,
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
    onAuthChange: (listener) => authChanges.add(guard('auth', listener)),
    connection: () => tracker.get(),
    onConnectionChange: (listener) => tracker.onChange(guard('connection', listener)),
    reconnectNow,
    checkConnection,
    onEvent: (listener) => events.add(listener),
    isOwn: (event) => {
      const self = session.user();
      return event.type === 'message' && self !== null && event.message.senderId === self.id;
    },
    onPresence: (listener) => presence.add(guard('presence', listener)),
    send: (conversationId, body, sendOptions) => {
      if (!realtime) throw new Error('Sign in before sending messages.');
      const entry = realtime.outbox.enqueue(conversationId, body, sendOptions);
      if (entry.status !== 'failed') typing.sent(conversationId);
      return entry;
    },
    cancelSend: (clientId) => realtime?.outbox.cancel(clientId) ?? false,
    retrySend: (clientId) => realtime?.outbox.retry(clientId) ?? false,
    messages: {
      edit: async (messageId, body) => {
        const message = await api.messages.edit.mutate({ messageId, body });
        realtime?.outbox.updated(message);
        return message;
      },
      delete: async (messageId) => {
        await api.messages.delete.mutate({ messageId });
        realtime?.outbox.erase(messageId, Date.now());
      },
    },
    account: {
      settings: () => api.account.settings.query(),
      updateSettings: (change) => api.account.updateSettings.mutate(change),
      changePassword: async (currentPassword, newPassword) => {
        const auth = await api.account.changePassword.mutate({
          currentPassword,
          newPassword,
        });
        // The old refresh token is used up: only the new tokens keep this session going, also after a restart.
        session.set(auth);
        await session.flush();
        return auth.user;
      },
    },
    conversations: {
      typing: async (conversationId, value) => {
        await api.conversations.typing.mutate({ conversationId, typing: value });
      },
    },
    typing,
    outbox: () => realtime?.outbox.list() ?? [],
    onOutboxChange: (listener) => outboxChanges.add(guard('outbox', listener)),
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
      stopProbing();
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
