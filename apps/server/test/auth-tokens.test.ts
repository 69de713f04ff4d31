import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  STRONG_PASSWORD,
  decodeJwt,
  errorOf,
  httpClient,
  newUsername,
  signJwt,
  wsClient,
  type ApiClient,
} from './clients.js';
import { TEST_JWT_SECRET, startTestServer, type TestServer } from './start-test-server.js';

// Access and refresh tokens over the real transports: rotation, the exact-retry window, theft
// detection, logout, revocation, forged tokens and idle expiry.
let test: TestServer;
let anon: ApiClient;

beforeAll(async () => {
  test = await startTestServer({ loginMaxFailures: 1000 });
  anon = httpClient(test);
});
afterAll(() => test.dispose());
afterEach(() => {
  vi.useRealTimers();
});

const signUp = () =>
  anon.auth.register.mutate({ username: newUsername('tok'), password: STRONG_PASSWORD });

const meWith = (token: string) => httpClient(test, { token }).auth.me.query();

describe('auth.refresh', () => {
  it('rotates: a new refresh token and a working access token each time', async () => {
    const first = await signUp();
    const second = await anon.auth.refresh.mutate({ refreshToken: first.refreshToken });
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.user).toEqual(first.user);
    expect(await meWith(second.accessToken)).toEqual(first.user);
    const third = await anon.auth.refresh.mutate({ refreshToken: second.refreshToken });
    expect(new Set([first, second, third].map((r) => r.refreshToken)).size).toBe(3);
    expect(await meWith(third.accessToken)).toEqual(first.user);
    // Still one session: rotation does not start new ones.
    expect(await httpClient(test, { token: third.accessToken }).auth.sessions.query()).toHaveLength(
      1,
    );
  });

  it('answers an exact retry within 30 s with the same result, over HTTP and WebSocket', async () => {
    const first = await signUp();
    const answer = await anon.auth.refresh.mutate({ refreshToken: first.refreshToken });
    const retry = await anon.auth.refresh.mutate({ refreshToken: first.refreshToken });
    expect(retry).toEqual(answer);
    const ws = wsClient(test);
    try {
      expect(await ws.client.auth.refresh.mutate({ refreshToken: first.refreshToken })).toEqual(
        answer,
      );
    } finally {
      await ws.close();
    }
    // The retried answer is a working one: the session goes on.
    const next = await anon.auth.refresh.mutate({ refreshToken: retry.refreshToken });
    expect(await meWith(next.accessToken)).toEqual(first.user);
  });

  it('answers the same for two refreshes racing with one token', async () => {
    const first = await signUp();
    const [a, b] = await Promise.all([
      anon.auth.refresh.mutate({ refreshToken: first.refreshToken }),
      anon.auth.refresh.mutate({ refreshToken: first.refreshToken }),
    ]);
    expect(a).toEqual(b);
    expect(await meWith(a.accessToken)).toEqual(first.user);
  });

  it('ends the whole session when a used token comes back after its replacement was used', async () => {
    const first = await signUp();
    const second = await anon.auth.refresh.mutate({ refreshToken: first.refreshToken });
    const third = await anon.auth.refresh.mutate({ refreshToken: second.refreshToken });
    const socket = wsClient(test, third.accessToken);
    try {
      await socket.client.auth.me.query();
      const closed = socket.closed();

      // The thief (or the victim) replays the first token.
      const reuse = await errorOf(anon.auth.refresh.mutate({ refreshToken: first.refreshToken }));
      expect(reuse.data?.code).toBe('UNAUTHORIZED');

      // Everything of that session is dead at once: the newest refresh token, its access token
      // and its open socket.
      const latest = await errorOf(anon.auth.refresh.mutate({ refreshToken: third.refreshToken }));
      expect(latest.data?.code).toBe('UNAUTHORIZED');
      expect((await errorOf(meWith(third.accessToken))).data?.code).toBe('UNAUTHORIZED');
      expect(await closed).toBe(4001);
    } finally {
      await socket.close();
    }
  });

  it('ends the session when a used token comes back after more than 30 s', async () => {
    const first = await signUp();
    const answer = await anon.auth.refresh.mutate({ refreshToken: first.refreshToken });
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 31_000 });
    const late = await errorOf(anon.auth.refresh.mutate({ refreshToken: first.refreshToken }));
    expect(late.data?.code).toBe('UNAUTHORIZED');
    const replacement = await errorOf(
      anon.auth.refresh.mutate({ refreshToken: answer.refreshToken }),
    );
    expect(replacement.data?.code).toBe('UNAUTHORIZED');
  });

  it('still answers a retry at 29 s', async () => {
    const first = await signUp();
    const answer = await anon.auth.refresh.mutate({ refreshToken: first.refreshToken });
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 29_000 });
    expect(await anon.auth.refresh.mutate({ refreshToken: first.refreshToken })).toEqual(answer);
  });

  it('does not let a made-up token that names a real session end it (only a used one does)', async () => {
    const first = await signUp();
    const sessionId = decodeJwt(first.accessToken).sid as string;
    const [, secret] = first.refreshToken.split(/\.(.*)/s);
    for (const forged of [
      `${sessionId}.${'A'.repeat(43)}`,
      `${sessionId}.${'A'.repeat(43)}.${'B'.repeat(22)}`,
      `${sessionId}.${secret!.slice(0, -1)}${secret!.endsWith('A') ? 'B' : 'A'}`,
    ]) {
      const error = await errorOf(anon.auth.refresh.mutate({ refreshToken: forged }));
      expect(error.data?.code).toBe('UNAUTHORIZED');
    }
    expect(await meWith(first.accessToken)).toEqual(first.user);
    const next = await anon.auth.refresh.mutate({ refreshToken: first.refreshToken });
    expect(await meWith(next.accessToken)).toEqual(first.user);
  });

  it('refuses made-up and malformed refresh tokens', async () => {
    for (const refreshToken of ['x', 'no-dot-at-all', '.leading-dot', `${'a'.repeat(36)}.abc`]) {
      const error = await errorOf(anon.auth.refresh.mutate({ refreshToken }));
      expect(error.data?.code).toBe('UNAUTHORIZED');
    }
    const empty = await errorOf(anon.auth.refresh.mutate({ refreshToken: '' }));
    expect(empty.data?.code).toBe('BAD_REQUEST');
    expect(empty.data?.fieldErrors?.refreshToken).toEqual(['Required']);
  });
});

describe('30 days of inactivity', () => {
  const DAY = 86_400_000;

  it('keeps a session that was used within 30 days', async () => {
    const first = await signUp();
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 30 * DAY - 60_000 });
    const next = await anon.auth.refresh.mutate({ refreshToken: first.refreshToken });
    expect(next.refreshTokenExpiresAt).toBe(Date.now() + 30 * DAY);
    // Each refresh starts the 30 days again.
    vi.setSystemTime(Date.now() + 30 * DAY - 60_000);
    await anon.auth.refresh.mutate({ refreshToken: next.refreshToken });
  });

  it('ends a session after 30 days without use: refresh refused, gone from the list', async () => {
    const idle = await signUp();
    const other = await anon.auth.login.mutate({
      username: idle.user.username,
      password: STRONG_PASSWORD,
    });
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 30 * DAY + 1000 });
    // The other session is used just in time; the idle one is not.
    const fresh = await errorOf(anon.auth.refresh.mutate({ refreshToken: idle.refreshToken }));
    expect(fresh.data?.code).toBe('UNAUTHORIZED');
    expect(fresh.message).toMatch(/inactivity/);
    vi.useRealTimers();

    const stillHere = await anon.auth.refresh.mutate({ refreshToken: other.refreshToken });
    const sessions = await httpClient(test, { token: stillHere.accessToken }).auth.sessions.query();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]?.current).toBe(true);
  });

  it('measures inactivity from the stored last use (the repository, not the clock of the process)', async () => {
    const result = await signUp();
    const sessionId = decodeJwt(result.accessToken).sid as string;
    await test.server.store.sessions.touch(sessionId, Date.now() - 30 * DAY - 1000);
    const error = await errorOf(anon.auth.refresh.mutate({ refreshToken: result.refreshToken }));
    expect(error.data?.code).toBe('UNAUTHORIZED');
  });
});

describe('auth.logout', () => {
  it('refuses the access token at once and closes the open WebSocket with 4001', async () => {
    const result = await signUp();
    const client = httpClient(test, { token: result.accessToken });
    const socket = wsClient(test, result.accessToken);
    try {
      expect(await socket.client.auth.me.query()).toEqual(result.user);
      const closed = socket.closed();
      expect(await client.auth.logout.mutate()).toEqual({ ok: true });
      // No waiting for the token to expire: the very next call is refused.
      const me = await errorOf(client.auth.me.query());
      expect(me.data?.code).toBe('UNAUTHORIZED');
      expect(await closed).toBe(4001);
      const refresh = await errorOf(
        anon.auth.refresh.mutate({ refreshToken: result.refreshToken }),
      );
      expect(refresh.data?.code).toBe('UNAUTHORIZED');
      // A new socket with the old token is closed with 4001 too.
      const again = wsClient(test, result.accessToken);
      try {
        expect(await again.closed()).toBe(4001);
      } finally {
        await again.close();
      }
    } finally {
      await socket.close();
    }
  });

  it('over the WebSocket: answers ok, then closes that socket with 4001', async () => {
    const result = await signUp();
    const socket = wsClient(test, result.accessToken);
    try {
      await socket.opened;
      const closed = socket.closed();
      expect(await socket.client.auth.logout.mutate()).toEqual({ ok: true });
      expect(await closed).toBe(4001);
      expect((await errorOf(meWith(result.accessToken))).data?.code).toBe('UNAUTHORIZED');
    } finally {
      await socket.close();
    }
  });

  it('ends only the calling session', async () => {
    const first = await signUp();
    const second = await anon.auth.login.mutate({
      username: first.user.username,
      password: STRONG_PASSWORD,
    });
    await httpClient(test, { token: first.accessToken }).auth.logout.mutate();
    expect(await meWith(second.accessToken)).toEqual(first.user);
  });

  it('needs a valid token', async () => {
    expect((await errorOf(anon.auth.logout.mutate())).data?.code).toBe('UNAUTHORIZED');
  });
});

describe('forged and expired access tokens', () => {
  const now = () => Math.floor(Date.now() / 1000);
  let real: Awaited<ReturnType<typeof signUp>>;
  let claims: Record<string, unknown>;
  const header = { alg: 'HS256', typ: 'JWT' };

  beforeAll(async () => {
    real = await signUp();
    claims = decodeJwt(real.accessToken);
  });

  it('the test signer makes tokens the server accepts (so the refusals below mean something)', async () => {
    expect(claims).toMatchObject({ iss: 'parley', aud: 'parley-clients', sub: real.user.id });
    const resigned = signJwt(header, { ...claims, iat: now(), exp: now() + 600 }, TEST_JWT_SECRET);
    expect(await meWith(resigned)).toEqual(real.user);
  });

  const forgeries: Array<[string, () => string]> = [
    [
      'expired',
      () => signJwt(header, { ...claims, iat: now() - 7200, exp: now() - 60 }, TEST_JWT_SECRET),
    ],
    [
      'tampered (another subject, old signature)',
      () => {
        const [h, , s] = real.accessToken.split('.');
        const payload = Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString(
          'base64url',
        );
        return `${h}.${payload}.${s}`;
      },
    ],
    ['alg none', () => signJwt({ alg: 'none', typ: 'JWT' }, claims, TEST_JWT_SECRET)],
    ['alg none, uppercase', () => signJwt({ alg: 'NONE', typ: 'JWT' }, claims, '')],
    [
      'HS512 with the right key',
      () => signJwt({ alg: 'HS512', typ: 'JWT' }, claims, TEST_JWT_SECRET),
    ],
    ['wrong audience', () => signJwt(header, { ...claims, aud: 'someone-else' }, TEST_JWT_SECRET)],
    ['wrong issuer', () => signJwt(header, { ...claims, iss: 'evil' }, TEST_JWT_SECRET)],
    ['no session id', () => signJwt(header, { ...claims, sid: undefined }, TEST_JWT_SECRET)],
    ['no expiry', () => signJwt(header, { ...claims, exp: undefined }, TEST_JWT_SECRET)],
    ['another key', () => signJwt(header, claims, 'another-secret-of-at-least-32-bytes!!')],
    ['not a JWT', () => 'garbage'],
  ];

  it.each(forgeries)('refuses a %s token over HTTP (UNAUTHORIZED)', async (_name, forge) => {
    const error = await errorOf(meWith(forge()));
    expect(error.data?.code).toBe('UNAUTHORIZED');
    expect(error.data?.httpStatus).toBe(401);
  });

  it.each(forgeries)(
    'closes a WebSocket that presents a %s token with 4001',
    async (_name, forge) => {
      const socket = wsClient(test, forge());
      try {
        expect(await socket.closed()).toBe(4001);
      } finally {
        await socket.close();
      }
    },
  );

  it('closes an authenticated WebSocket with 4001 when its access token expires', async () => {
    const shortLived = signJwt(header, { ...claims, iat: now(), exp: now() + 2 }, TEST_JWT_SECRET);
    const socket = wsClient(test, shortLived);
    try {
      expect(await socket.client.auth.me.query()).toEqual(real.user);
      const started = Date.now();
      expect(await socket.closed()).toBe(4001);
      expect(Date.now() - started).toBeLessThan(4000);
    } finally {
      await socket.close();
    }
  });
});
