import { createHmac } from 'node:crypto';
import { request, type IncomingHttpHeaders } from 'node:http';
import type { AppRouter } from '@parley/api';
import {
  TRPCClientError,
  createTRPCClient,
  createWSClient,
  httpLink,
  wsLink,
  type TRPCClient,
} from '@trpc/client';
import { WebSocket } from 'ws';
import type { ServerEndpoint } from './start-test-server.js';

export type ApiClient = TRPCClient<AppRouter>;
export type ApiError = TRPCClientError<AppRouter>;

export type RawResponse = {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
};

export type RawRequestOptions = {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Sends the body in chunks, without a Content-Length header. */
  chunked?: boolean;
  /** The client socket's own address (127.0.0.2 is a second client on the same machine). */
  localAddress?: string;
};

/** One HTTP request over node:http, from a chosen local address. */
export function rawRequest(url: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const body = options.body;
    const headers: Record<string, string> = { ...options.headers };
    if (body !== undefined && !options.chunked)
      headers['content-length'] = String(Buffer.byteLength(body));
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        headers,
        localAddress: options.localAddress,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (body !== undefined && options.chunked) {
      const buffer = Buffer.from(body);
      for (let at = 0; at < buffer.length; at += 16 * 1024)
        req.write(buffer.subarray(at, at + 16 * 1024));
      req.end();
    } else {
      req.end(body);
    }
  });
}

/** A `fetch` for httpLink whose requests leave from `localAddress`. */
export function fetchFrom(localAddress: string) {
  return async (input: Request | URL | string, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const headers = new Headers(init?.headers);
    const response = await rawRequest(url, {
      method: init?.method ?? 'GET',
      headers: Object.fromEntries(headers.entries()),
      body: typeof init?.body === 'string' ? init.body : undefined,
      localAddress,
    });
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(response.headers)) {
      if (typeof value === 'string') responseHeaders.set(name, value);
    }
    return new Response(response.text, { status: response.status, headers: responseHeaders });
  };
}

export type HttpClientOptions = {
  token?: string | (() => string | null);
  /** Extra headers on every request (a forged X-Forwarded-For, an Origin). */
  headers?: Record<string, string>;
  localAddress?: string;
};

/** The real tRPC client over real HTTP (httpLink: one request per call). */
export function httpClient(test: ServerEndpoint, options: HttpClientOptions = {}): ApiClient {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${test.url}/trpc`,
        fetch: options.localAddress ? fetchFrom(options.localAddress) : undefined,
        headers: () => {
          const token = typeof options.token === 'function' ? options.token() : options.token;
          return {
            ...options.headers,
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          };
        },
      }),
    ],
  });
}

export type WsTestClient = {
  client: ApiClient;
  /** Close codes seen so far, in order. */
  closeCodes: number[];
  /** Resolves with the code of the next close (or the last one, if it already closed). */
  closed(): Promise<number>;
  /** Resolves once the socket has opened (and sent its connection params). */
  opened: Promise<void>;
  close(): Promise<void>;
};

/** The real tRPC client over a real WebSocket, the token sent as connectionParams. */
export function wsClient(test: ServerEndpoint, token: string | null = null): WsTestClient {
  const closeCodes: number[] = [];
  const closeWaiters: Array<(code: number) => void> = [];
  let markOpen: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (markOpen = resolve));
  const socket = createWSClient({
    url: test.wsUrl,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: token === null ? null : { token },
    // The tests look at one connection; a reconnect would only blur what they see.
    retryDelayMs: () => 60_000,
    onOpen: () => markOpen(),
    onClose: (cause) => {
      const code = cause?.code ?? 0;
      closeCodes.push(code);
      for (const waiter of closeWaiters.splice(0)) waiter(code);
    },
  });
  return {
    client: createTRPCClient<AppRouter>({ links: [wsLink({ client: socket })] }),
    closeCodes,
    opened,
    closed: () => new Promise<number>((resolve) => closeWaiters.push(resolve)),
    close: () => socket.close(),
  };
}

/** The tRPC error a call fails with (the test fails if it succeeds). */
export async function errorOf(call: Promise<unknown>): Promise<ApiError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) return error as ApiError;
    throw error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

export const STRONG_PASSWORD = 'Tangerine-Kite-42';

let userCounter = 0;
/** A fresh, valid username (ids from one process never repeat). */
export const newUsername = (prefix = 'user'): string => `${prefix}-${process.pid}-${++userCounter}`;

/** Signs a JWT by hand with HS256 (or writes an unsigned one for alg "none"). */
export function signJwt(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  secret: string | Uint8Array,
): string {
  const encode = (part: Record<string, unknown>) =>
    Buffer.from(JSON.stringify(part)).toString('base64url');
  const unsigned = `${encode(header)}.${encode(payload)}`;
  if (header.alg === 'none') return `${unsigned}.`;
  const algorithm = header.alg === 'HS512' ? 'sha512' : 'sha256';
  return `${unsigned}.${createHmac(algorithm, secret).update(unsigned).digest('base64url')}`;
}

/** The claims of a JWT, read without checking anything. */
export function decodeJwt(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}
