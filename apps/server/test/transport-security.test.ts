import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  STRONG_PASSWORD,
  errorOf,
  httpClient,
  newUsername,
  rawRequest,
  wsClient,
  type RawResponse,
} from './clients.js';
import { startTestServer, type TestServer } from './start-test-server.js';

// The transport rules of docs/api.md over real sockets: origins, frame and body limits, the
// connection-params timeout, error hygiene and /healthz.
let test: TestServer;

beforeAll(async () => {
  test = await startTestServer({
    connectionParamsTimeoutMs: 300,
    unauthenticatedSocketTimeoutMs: 800,
  });
});
afterAll(() => test.dispose());

/** Opens a raw WebSocket; resolves when it opens or is refused (with the HTTP status). */
function openRaw(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ ws: WebSocket; status: number | null }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve({ ws, status: null }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ ws, status: res.statusCode ?? 0 });
      res.resume();
    });
    ws.once('error', reject);
  });
}

const closeOf = (ws: WebSocket) =>
  new Promise<{ code: number; at: number }>((resolve) =>
    ws.once('close', (code) => resolve({ code, at: Date.now() })),
  );

const loginBody = (password: string) => JSON.stringify({ username: 'someone', password });

describe('Origin allowlist', () => {
  it('refuses a WebSocket upgrade from a foreign Origin with HTTP 403', async () => {
    const { status } = await openRaw(test.wsUrl, { origin: 'https://evil.example' });
    expect(status).toBe(403);
  });

  it('accepts the server’s own origin, the desktop app and clients without Origin', async () => {
    const cases: Array<Record<string, string>> = [
      { origin: test.url },
      { origin: 'app://parley' },
      {},
    ];
    for (const headers of cases) {
      const { ws, status } = await openRaw(test.wsUrl, headers);
      expect(status).toBeNull();
      ws.close();
    }
  });

  it('sends CORS headers only to allowed origins, and refuses others over HTTP', async () => {
    const allowed = await rawRequest(`${test.url}/trpc/auth.me`, { headers: { origin: test.url } });
    expect(allowed.headers['access-control-allow-origin']).toBe(test.url);
    const preflight = await rawRequest(`${test.url}/trpc/auth.login`, {
      method: 'OPTIONS',
      headers: { origin: test.url, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-headers']).toMatch(/authorization/i);

    const foreign = await rawRequest(`${test.url}/trpc/auth.login`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: loginBody('Whatever-1'),
    });
    expect(foreign.status).toBe(403);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('frame and body limits (64 KiB)', () => {
  it('closes a socket that sends a 1 MiB frame with 1009, and keeps serving everyone else', async () => {
    const result = await httpClient(test).auth.register.mutate({
      username: newUsername('frame'),
      password: STRONG_PASSWORD,
    });
    const bystander = wsClient(test, result.accessToken);
    try {
      await bystander.client.auth.me.query();
      const { ws } = await openRaw(test.wsUrl);
      const closed = closeOf(ws);
      ws.send(Buffer.alloc(1024 * 1024, 0x61));
      expect((await closed).code).toBe(1009);

      // The server is still up: the open socket still answers, new clients are served.
      expect(await bystander.client.auth.me.query()).toEqual(result.user);
      expect(bystander.closeCodes).toEqual([]);
      const fresh = wsClient(test, result.accessToken);
      try {
        expect(await fresh.client.auth.me.query()).toEqual(result.user);
      } finally {
        await fresh.close();
      }
      expect((await rawRequest(`${test.url}/healthz`)).status).toBe(200);
    } finally {
      await bystander.close();
    }
  });

  it('closes the tRPC client’s socket with 1009 when a call is over 64 KiB', async () => {
    const socket = wsClient(test);
    try {
      await socket.opened;
      const closed = socket.closed();
      void socket.client.auth.login
        .mutate({ username: 'someone', password: 'x'.repeat(70 * 1024) })
        .catch(() => undefined);
      expect(await closed).toBe(1009);
    } finally {
      await socket.close();
    }
  });

  it('accepts a frame just under the limit', async () => {
    const { ws } = await openRaw(test.wsUrl);
    const reply = new Promise<string>((resolve) =>
      ws.once('message', (data: Buffer) => resolve(data.toString())),
    );
    const message = JSON.stringify({
      id: 1,
      method: 'mutation',
      params: { path: 'auth.login', input: { username: 'someone', password: 'p' } },
    });
    ws.send(message + ' '.repeat(64 * 1024 - Buffer.byteLength(message) - 1));
    expect(JSON.parse(await reply)).toMatchObject({
      id: 1,
      error: { data: { code: 'UNAUTHORIZED' } },
    });
    ws.close();
  });

  it('answers an HTTP body over 64 KiB with 413, with or without Content-Length', async () => {
    const body = loginBody('x'.repeat(70 * 1024));
    const declared = await rawRequest(`${test.url}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(declared.status).toBe(413);
    const chunked = await rawRequest(`${test.url}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      chunked: true,
    });
    expect(chunked.status).toBe(413);
    // Both answers are tRPC errors with a readable message, whichever check caught the body.
    for (const response of [declared, chunked]) {
      expect(JSON.parse(response.text)).toEqual({
        error: {
          message: 'The request is too large: the limit is 64 KiB.',
          code: -32013,
          data: { code: 'PAYLOAD_TOO_LARGE', httpStatus: 413, path: 'auth.login' },
        },
      });
    }
    // And the tRPC client understands it.
    const error = await errorOf(
      httpClient(test).auth.login.mutate({ username: 'someone', password: 'x'.repeat(70 * 1024) }),
    );
    expect(error.data?.code).toBe('PAYLOAD_TOO_LARGE');
    expect(error.data?.httpStatus).toBe(413);
    expect(error.message).toBe('The request is too large: the limit is 64 KiB.');
    expect((await rawRequest(`${test.url}/healthz`)).status).toBe(200);
  });
});

describe('connection params', () => {
  it('closes a socket that announces connection params but never sends them', async () => {
    const opened = Date.now();
    const { ws } = await openRaw(`${test.wsUrl}?connectionParams=1`);
    const { code, at } = await closeOf(ws);
    expect(code).toBe(1008);
    expect(at - opened).toBeGreaterThanOrEqual(250);
    expect(at - opened).toBeLessThan(3000);
  });

  it('closes a socket that never authenticates, even one that sends no params', async () => {
    const opened = Date.now();
    const { ws } = await openRaw(test.wsUrl);
    const { code, at } = await closeOf(ws);
    expect(code).toBe(1008);
    expect(at - opened).toBeGreaterThanOrEqual(700);
    expect(at - opened).toBeLessThan(5000);
  });

  it('keeps a socket that sent them in time', async () => {
    const result = await httpClient(test).auth.register.mutate({
      username: newUsername('params'),
      password: STRONG_PASSWORD,
    });
    const socket = wsClient(test, result.accessToken);
    try {
      await socket.client.auth.me.query();
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(socket.closeCodes).toEqual([]);
      expect(await socket.client.auth.me.query()).toEqual(result.user);
    } finally {
      await socket.close();
    }
  });
});

describe('errors carry nothing internal', () => {
  const internals =
    /stack|\bat [\w.<>]+ \(|\.[cm]?[jt]s:\d+|node_modules|\/work\/|SQLITE|SELECT |INSERT |UPDATE |constraint/i;

  const expectClean = (response: RawResponse) => {
    expect(response.text).not.toMatch(internals);
    expect(response.text).not.toContain(STRONG_PASSWORD);
  };

  it('in every kind of failure the API can answer', async () => {
    const username = newUsername('clean');
    await httpClient(test).auth.register.mutate({ username, password: STRONG_PASSWORD });
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      rawRequest(`${test.url}/trpc/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
    const responses = [
      await post('auth.register', JSON.stringify({ username, password: STRONG_PASSWORD })), // CONFLICT
      await post('auth.register', JSON.stringify({ username: 'x', password: 'y' })), // BAD_REQUEST
      await post('auth.login', JSON.stringify({ username, password: 'Nope-Nope-1' })), // UNAUTHORIZED
      await post('auth.login', '{"username": '), // malformed JSON
      await post('auth.login', JSON.stringify([1, 2, 3])), // wrong shape
      await post('auth.refresh', JSON.stringify({ refreshToken: `x.${'y'.repeat(40)}` })),
      await post('auth.nope', '{}'), // unknown procedure
      await post('auth.logout', '{}', { authorization: 'Bearer a.b.c' }),
      await rawRequest(`${test.url}/trpc/auth.me`, { headers: { authorization: 'Bearer ' } }),
      await rawRequest(`${test.url}/trpc/auth.login?input=%7Bbroken`), // a mutation by GET
      await post('auth.login', loginBody('x'.repeat(70 * 1024))), // 413
    ];
    for (const response of responses) {
      expect(response.status).toBeGreaterThanOrEqual(400);
      expectClean(response);
      const parsed = JSON.parse(response.text) as { error?: { message?: unknown } };
      expect(typeof parsed.error?.message).toBe('string');
    }
    expect(responses.map((r) => r.status)).toEqual([
      409, 400, 401, 400, 400, 401, 404, 401, 401, 405, 413,
    ]);
  });

  it('hides an unexpected failure behind a readable message', async () => {
    const broken = await startTestServer();
    try {
      await broken.server.store.close(); // every database call now throws inside the driver
      const response = await rawRequest(`${broken.url}/trpc/auth.register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: newUsername('boom'), password: STRONG_PASSWORD }),
      });
      expect(response.status).toBe(500);
      expectClean(response);
      expect(JSON.parse(response.text)).toMatchObject({
        error: { message: 'Something went wrong on the server. Please try again.' },
      });
    } finally {
      await broken.dispose().catch(() => undefined);
    }
  });
});

describe('GET /healthz', () => {
  it('answers 200 {"status":"ok"}', async () => {
    const response = await rawRequest(`${test.url}/healthz`);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toEqual({ status: 'ok' });
  });
});
