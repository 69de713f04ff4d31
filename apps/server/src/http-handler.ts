import { existsSync } from 'node:fs';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { appRouter, createContext } from '@parley/api';
import type { Services } from '@parley/core';
import { limits } from '@parley/protocol';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import sirv from 'sirv';
import type { AllowedOrigins } from './allowed-origins.js';
import { clientIp } from './client-ip.js';
import { createFileRoutes } from './file-routes.js';
import type { HealthStatus } from './health-check.js';
import { setSecurityHeaders } from './security-headers.js';
import { setWebClientCacheHeaders } from './web-client-cache.js';

export type HttpHandlerOptions = {
  services: Services;
  origins: AllowedOrigins;
  trustProxy: number;
  webRoot: string;
  /** `GET /healthz`: 200 when 'ok', else 503 with the status. */
  health: () => Promise<HealthStatus>;
  /** The public keys of access tokens as a JWKS; null when they are HS256 (nothing to publish). */
  jwks: object | null;
  onError: (error: unknown, path: string | undefined) => void;
  /** Extra routes (metrics); return true when handled. */
  extraRoutes?: (req: IncomingMessage, res: ServerResponse) => boolean;
};

const bearerToken = (header: string | undefined): string | null => {
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1] ?? null;
};

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
};

/**
 * The answer tRPC itself gives to an oversized body (its error shape, one per call of a batch),
 * so that clients read `error.data.code === 'PAYLOAD_TOO_LARGE'` and a message they can show.
 */
const payloadTooLarge = (url: string, path: string) => {
  const error = (procedure: string | undefined) => ({
    error: {
      message: `The request is too large: the limit is ${limits.maxPayloadBytes / 1024} KiB.`,
      code: -32013,
      data: {
        code: 'PAYLOAD_TOO_LARGE',
        httpStatus: 413,
        ...(procedure ? { path: procedure } : {}),
      },
    },
  });
  const procedures = path.slice('/trpc/'.length).split(',');
  const isBatch = new URLSearchParams(url.split('?')[1] ?? '').get('batch') === '1';
  return isBatch ? procedures.map((procedure) => error(procedure)) : error(procedures[0]);
};

const JWKS_PATH = '/.well-known/jwks.json';

/** Public keys only, for any origin: other services verify access tokens with them. */
function serveJwks(res: ServerResponse, jwks: object | null) {
  res.setHeader('Access-Control-Allow-Origin', '*');
  if (jwks === null) {
    json(res, 404, {
      error: { message: 'Access tokens are signed with a shared secret (HS256): no public keys.' },
    });
    return;
  }
  res.setHeader('Cache-Control', 'public, max-age=300');
  json(res, 200, jwks);
}

/**
 * One listener for every HTTP route: /healthz, /.well-known/jwks.json, /files (uploads, exempt from
 * the 64 KiB body limit of /trpc), /trpc/*, and the web client at /.
 */
export function createHttpHandler(options: HttpHandlerOptions): RequestListener {
  const { services, origins, trustProxy } = options;
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    maxBodySize: limits.maxPayloadBytes,
    createContext: ({ req }) =>
      createContext({
        services,
        client: {
          ip: clientIp(req.socket.remoteAddress, req.headers['x-forwarded-for'], trustProxy),
          userAgent: req.headers['user-agent'] ?? null,
        },
        token: bearerToken(req.headers.authorization),
      }),
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') options.onError(error.cause ?? error, path);
    },
  });
  const files = createFileRoutes({
    services,
    origins,
    onError: (error, path) => options.onError(error, path),
  });
  const webClient = existsSync(options.webRoot)
    ? sirv(options.webRoot, {
        single: true,
        etag: true,
        // The build writes .br and .gz beside each file: sent as they are, to browsers that accept them.
        gzip: true,
        brotli: true,
        setHeaders: (res, pathname) => {
          setSecurityHeaders(res);
          setWebClientCacheHeaders(res, pathname);
        },
      })
    : null;

  return (req, res) => {
    const url = req.url ?? '/';
    const path = url.split('?', 1)[0] ?? '/';

    if (path === '/healthz') {
      void options.health().then((status) => json(res, status === 'ok' ? 200 : 503, { status }));
      return;
    }
    if (path === JWKS_PATH) {
      serveJwks(res, options.jwks);
      return;
    }
    if (options.extraRoutes?.(req, res)) return;
    if (files(req, res)) return;

    if (path === '/trpc' || path.startsWith('/trpc/')) {
      const origin = req.headers.origin;
      if (!origins.allows(origin)) {
        json(res, 403, { error: { message: 'This origin is not allowed.' } });
        return;
      }
      if (origin !== undefined) {
        res.setHeader('Access-Control-Allow-Origin', origin);
        res.setHeader('Vary', 'Origin');
        res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, trpc-accept');
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
        res.setHeader('Access-Control-Max-Age', '600');
      }
      if (req.method === 'OPTIONS') {
        res.writeHead(204).end();
        return;
      }
      const declaredLength = Number(req.headers['content-length'] ?? 0);
      if (declaredLength > limits.maxPayloadBytes) {
        json(res, 413, payloadTooLarge(url, path));
        req.resume();
        return;
      }
      trpc(req, res);
      return;
    }

    if (webClient && (req.method === 'GET' || req.method === 'HEAD')) {
      webClient(req, res, () => json(res, 404, { error: { message: 'Not found.' } }));
      return;
    }
    if (path === '/') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Parley server is running. The web client is not built: run `npm run build`.\n');
      return;
    }
    json(res, 404, { error: { message: 'Not found.' } });
  };
}
