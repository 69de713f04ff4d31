import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { appRouter, createContext, type Context } from '@parley/api';
import type { Logger, Services } from '@parley/core';
import { limits } from '@parley/protocol';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AllowedOrigins } from './allowed-origins.js';
import { clientIp } from './client-ip.js';
import { KeepAlive } from './keep-alive.js';
import { WriteCoalescer } from './write-coalescer.js';

/** Close codes the client library understands. */
export const CLOSE_UNAUTHORIZED = 4001;
const CLOSE_POLICY = 1008;
const CLOSE_SERVICE_RESTART = 1012;
/**
 * A refused socket is closed once the client has been quiet this long, so that every call it sent
 * with the refused token gets its UNAUTHORIZED answer first (after the close frame, replies are
 * dropped and the client would be left with a bare "WebSocket closed", or nothing at all).
 */
const REFUSED_QUIET_MS = 250;
/** …but no later than this after the refusal. */
const REFUSED_MAX_OPEN_MS = 1500;

export type WebSocketGatewayOptions = {
  httpServer: HttpServer;
  services: Services;
  origins: AllowedOrigins;
  trustProxy: number;
  maxSocketBufferBytes: number;
  connectionParamsTimeoutMs: number;
  unauthenticatedSocketTimeoutMs: number;
  keepAlivePingMs: number;
  keepAlivePongWaitMs: number;
  log: Logger;
};

export type WebSocketGateway = {
  connectionCount(): number;
  /** Tells every client to reconnect elsewhere, then closes the sockets. */
  close(): Promise<void>;
};

const rejectUpgrade = (socket: Duplex, status: number, reason: string) => {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
};

/** tRPC over WebSocket on the HTTP server's port, path /trpc. */
export function attachWebSocketGateway(options: WebSocketGatewayOptions): WebSocketGateway {
  const { services, log } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxPayloadBytes });
  const socketsBySession = new Map<string, Set<WebSocket>>();
  const paramsTimers = new WeakMap<WebSocket, NodeJS.Timeout>();
  const anonymousTimers = new WeakMap<WebSocket, NodeJS.Timeout>();
  const keepAlive = new KeepAlive(options.keepAlivePingMs, options.keepAlivePongWaitMs);
  const writes = new WriteCoalescer();

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path !== '/trpc') return rejectUpgrade(socket, 404, 'Not Found');
    if (!options.origins.allows(req.headers.origin)) {
      log.warn(
        { event: 'ws-origin-refused', origin: req.headers.origin },
        'WebSocket origin refused',
      );
      return rejectUpgrade(socket, 403, 'Forbidden');
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  options.httpServer.on('upgrade', onUpgrade);

  wss.on('connection', (ws, req) => {
    const ip = clientIp(
      req.socket.remoteAddress,
      req.headers['x-forwarded-for'],
      options.trustProxy,
    );
    log.debug({ event: 'ws-connect', ip }, 'WebSocket connected');
    keepAlive.watch(ws);
    // tRPC answers a call and sends the events it caused in one turn: one write for all of them.
    writes.coalesceSends(ws, req.socket);
    if (new URL(req.url ?? '/', 'http://localhost').searchParams.get('connectionParams') === '1') {
      const timer = setTimeout(
        () => ws.close(CLOSE_POLICY, 'connection params not sent in time'),
        options.connectionParamsTimeoutMs,
      );
      paramsTimers.set(ws, timer);
    }
    // Public procedures are for HTTP; a socket is for a logged-in user's subscriptions. One that
    // never authenticates would otherwise be kept alive by the keep-alive pings for ever.
    anonymousTimers.set(
      ws,
      setTimeout(
        () => ws.close(CLOSE_POLICY, 'authentication required'),
        options.unauthenticatedSocketTimeoutMs,
      ),
    );
    ws.on('close', (code) => {
      clearTimeout(paramsTimers.get(ws));
      clearTimeout(anonymousTimers.get(ws));
      log.debug({ event: 'ws-disconnect', ip, code }, 'WebSocket disconnected');
    });
    ws.on('error', (error) =>
      log.debug({ event: 'ws-error', ip, err: error.message }, 'WebSocket error'),
    );
  });

  /** Every call on the socket is answered UNAUTHORIZED (its context has no auth); then it closes. */
  const refuse = (ws: WebSocket, reason: string) => {
    clearTimeout(anonymousTimers.get(ws));
    let quiet: NodeJS.Timeout | undefined;
    const close = () => {
      clearTimeout(quiet);
      clearTimeout(limit);
      ws.off('message', onMessage);
      ws.close(CLOSE_UNAUTHORIZED, reason.slice(0, 120));
    };
    const onMessage = () => {
      clearTimeout(quiet);
      quiet = setTimeout(close, REFUSED_QUIET_MS);
    };
    const limit = setTimeout(close, REFUSED_MAX_OPEN_MS);
    ws.on('message', onMessage);
    ws.once('close', () => {
      clearTimeout(quiet);
      clearTimeout(limit);
    });
    onMessage();
  };

  const onAuthenticated = (ws: WebSocket, ctx: Context) => {
    const auth = ctx.auth;
    if (!auth) return;
    clearTimeout(anonymousTimers.get(ws));
    const sockets = socketsBySession.get(auth.sessionId) ?? new Set<WebSocket>();
    sockets.add(ws);
    socketsBySession.set(auth.sessionId, sockets);
    services.presence.connected(auth.userId);
    log.info(
      { event: 'ws-auth', userId: auth.userId, sessionId: auth.sessionId },
      'WebSocket authenticated',
    );
    const expiry = setTimeout(
      () => ws.close(CLOSE_UNAUTHORIZED, 'access token expired'),
      Math.max(0, auth.expiresAt - Date.now()),
    );
    ws.once('close', () => {
      clearTimeout(expiry);
      sockets.delete(ws);
      if (sockets.size === 0) socketsBySession.delete(auth.sessionId);
      services.presence.disconnected(auth.userId);
    });
  };

  const handler = applyWSSHandler({
    wss,
    router: appRouter,
    // KeepAlive above finds dead peers; tRPC still answers a client's own "PING" with "PONG".
    keepAlive: { enabled: false },
    createContext: async ({ req, res: ws, info }) => {
      clearTimeout(paramsTimers.get(ws));
      const token = info.connectionParams?.token ?? null;
      const ctx = await createContext({
        services,
        connection: { bufferedBytes: () => ws.bufferedAmount },
        client: {
          ip: clientIp(
            req.socket.remoteAddress,
            req.headers['x-forwarded-for'],
            options.trustProxy,
          ),
          userAgent: req.headers['user-agent'] ?? null,
        },
        token,
      });
      if (token !== null && !ctx.auth) {
        refuse(ws, ctx.authError ?? 'unauthorized');
      } else if (ws.readyState === ws.OPEN) {
        onAuthenticated(ws, ctx);
      }
      return ctx;
    },
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') {
        log.error({ err: error.cause ?? error, path }, 'unexpected error in a WebSocket call');
      }
    },
  });

  // Revocation happens inside the call that causes it (auth.logout may come over this very socket):
  // close on the next turn of the event loop, so that call's answer is sent before the close frame.
  const stopRevocations = services.revocations.onRevoked((sessionId) => {
    const sockets = [...(socketsBySession.get(sessionId) ?? [])];
    if (sockets.length === 0) return;
    setImmediate(() => {
      for (const ws of sockets) ws.close(CLOSE_UNAUTHORIZED, 'session ended');
    });
  });

  // A consumer that reads slower than we write must not grow our memory without bound: past the
  // limit its socket is dropped, and it resumes from its last event id when it reconnects. A
  // buffer only grows when written to, so only the connections written to since the last look
  // are looked at (at 10,000 quiet connections, visiting all of them was 40,000 visits a second).
  const bufferWatch = setInterval(() => {
    for (const ws of writes.takeWritten()) {
      if (ws.bufferedAmount > options.maxSocketBufferBytes) {
        log.warn(
          { event: 'ws-slow-consumer', buffered: ws.bufferedAmount },
          'dropping a slow WebSocket consumer',
        );
        ws.terminate();
      }
    }
  }, 250);
  bufferWatch.unref();

  return {
    connectionCount: () => wss.clients.size,
    async close() {
      clearInterval(bufferWatch);
      keepAlive.close();
      stopRevocations();
      options.httpServer.off('upgrade', onUpgrade);
      handler.broadcastReconnectNotification();
      for (const ws of wss.clients) ws.close(CLOSE_SERVICE_RESTART, 'server restarting');
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          for (const ws of wss.clients) ws.terminate();
        }, 2000);
        wss.close(() => {
          clearTimeout(force);
          resolve();
        });
      });
    },
  };
}
