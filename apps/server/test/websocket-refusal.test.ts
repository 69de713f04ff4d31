import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, httpClient, signJwt, wsClient, type ApiError } from './clients.js';
import { TEST_JWT_SECRET, startTestServer, type TestServer } from './start-test-server.js';
import { registerUser, type TestUser } from './test-users.js';

// A socket whose token is refused is closed with 4001; every call the client sent on it must be
// answered UNAUTHORIZED first, never left without an answer.

let test: TestServer;
let user: TestUser;
let revokedToken: string;

beforeAll(async () => {
  test = await startTestServer();
  user = await registerUser(test, 'refused');
  const revoked = await registerUser(test, 'revoked');
  revokedToken = revoked.accessToken;
  await revoked.http.auth.logout.mutate();
});
afterAll(() => test.dispose());

const now = () => Math.floor(Date.now() / 1000);
const header = { alg: 'HS256', typ: 'JWT' };

const forgeries: Array<[string, () => string]> = [
  [
    'bad signature',
    () => signJwt(header, decodeJwt(user.accessToken), 'another-secret-of-32-bytes-or-more!!'),
  ],
  ['alg none', () => signJwt({ alg: 'none', typ: 'JWT' }, decodeJwt(user.accessToken), '')],
  [
    'expired',
    () =>
      signJwt(
        header,
        { ...decodeJwt(user.accessToken), iat: now() - 7200, exp: now() - 60 },
        TEST_JWT_SECRET,
      ),
  ],
  [
    'wrong audience',
    () => signJwt(header, { ...decodeJwt(user.accessToken), aud: 'other' }, TEST_JWT_SECRET),
  ],
  [
    'wrong issuer',
    () => signJwt(header, { ...decodeJwt(user.accessToken), iss: 'evil' }, TEST_JWT_SECRET),
  ],
  ['garbage', () => 'garbage'],
  ['empty', () => ''],
  ['revoked session', () => revokedToken],
];

const settleWithin = <T>(call: Promise<T>, ms: number) =>
  Promise.race([
    call.then(
      () => ({ settled: 'answered' as const, code: null }),
      (error: ApiError) => ({
        settled: 'failed' as const,
        code: error.data?.code ?? error.message,
      }),
    ),
    new Promise<{ settled: 'hung'; code: null }>((resolve) =>
      setTimeout(() => resolve({ settled: 'hung', code: null }), ms),
    ),
  ]);

describe('a WebSocket with a refused token', () => {
  it.each(forgeries)(
    'answers every call UNAUTHORIZED before closing with 4001 (%s, 50 times)',
    async (_kind, forge) => {
      const outcomes = new Map<string, number>();
      const count = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      const round = async () => {
        const socket = wsClient(test, forge());
        try {
          const queued = socket.client.auth.me.query();
          const afterOpen = socket.opened.then(() =>
            socket.client.messages.history.query({ conversationId: 'c', limit: 10 }),
          );
          const results = await Promise.all([
            settleWithin(queued, 2000),
            settleWithin(afterOpen, 2000),
          ]);
          for (const [index, result] of results.entries()) {
            count(`${index === 0 ? 'queued' : 'after open'} ${result.settled}:${result.code}`);
          }
          const closeCode = await Promise.race([
            socket.closeCodes.length > 0 ? socket.closeCodes[0] : socket.closed(),
            new Promise<string>((resolve) => setTimeout(() => resolve('open'), 2000)),
          ]);
          count(`close:${closeCode}`);
        } finally {
          await socket.close();
        }
      };
      // 50 sockets, 10 at a time.
      for (let batch = 0; batch < 5; batch++) await Promise.all(Array.from({ length: 10 }, round));
      expect(Object.fromEntries(outcomes)).toEqual({
        'queued failed:UNAUTHORIZED': 50,
        'after open failed:UNAUTHORIZED': 50,
        'close:4001': 50,
      });
    },
    60_000,
  );

  it('still serves a valid token on the same server', async () => {
    const socket = wsClient(test, user.accessToken);
    try {
      expect((await socket.client.auth.me.query()).id).toBe(user.id);
      expect((await httpClient(test, { token: user.accessToken }).auth.me.query()).id).toBe(
        user.id,
      );
    } finally {
      await socket.close();
    }
  });
});
