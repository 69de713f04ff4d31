import { passwordRuleMessages, type PasswordRule } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  STRONG_PASSWORD,
  errorOf,
  httpClient,
  newUsername,
  wsClient,
  type ApiClient,
} from './clients.js';
import { startTestServer, type TestServer } from './start-test-server.js';

// Accounts over the real HTTP and WebSocket transports: registration rules, login, me, sessions.
let test: TestServer;
let anon: ApiClient;

beforeAll(async () => {
  // Enough failures allowed that this file never meets the login rate limit (tested elsewhere).
  test = await startTestServer({ loginMaxFailures: 1000 });
  anon = httpClient(test);
});
afterAll(() => test.dispose());

describe('auth.register', () => {
  it('creates an account and answers with the user and both tokens', async () => {
    const username = newUsername('Reg');
    const before = Date.now();
    const result = await anon.auth.register.mutate({ username, password: STRONG_PASSWORD });
    expect(result.user.username).toBe(username);
    expect(result.user.id).toEqual(expect.any(String));
    expect(result.user.createdAt).toBeGreaterThanOrEqual(before - 1000);
    expect(result.accessToken.split('.')).toHaveLength(3);
    expect(result.refreshToken).not.toBe(result.accessToken);
    // Access tokens last 1 hour, refresh tokens 30 days of inactivity.
    expect(result.accessTokenExpiresAt - Date.now()).toBeGreaterThan(3590_000);
    expect(result.accessTokenExpiresAt - Date.now()).toBeLessThanOrEqual(3600_000);
    expect(result.refreshTokenExpiresAt - Date.now()).toBeGreaterThan(30 * 86400_000 - 60_000);

    const me = await httpClient(test, { token: result.accessToken }).auth.me.query();
    expect(me).toEqual(result.user);
  });

  it('refuses a username that differs only in case (CONFLICT), over HTTP and WebSocket', async () => {
    const username = newUsername('Alice');
    await anon.auth.register.mutate({ username, password: STRONG_PASSWORD });

    const lower = await errorOf(
      anon.auth.register.mutate({ username: username.toLowerCase(), password: STRONG_PASSWORD }),
    );
    expect(lower.data?.code).toBe('CONFLICT');
    expect(lower.data?.httpStatus).toBe(409);
    expect(lower.message).toBe('This username is taken.');
    expect(lower.data?.fieldErrors?.username).toEqual(['This username is taken.']);

    const ws = wsClient(test);
    try {
      const upper = await errorOf(
        ws.client.auth.register.mutate({
          username: username.toUpperCase(),
          password: STRONG_PASSWORD,
        }),
      );
      expect(upper.data?.code).toBe('CONFLICT');
    } finally {
      await ws.close();
    }
  });

  it('logs in without regard to case and shows the name as registered', async () => {
    const username = newUsername('MixedCase');
    await anon.auth.register.mutate({ username, password: STRONG_PASSWORD });
    const result = await anon.auth.login.mutate({
      username: username.toLowerCase(),
      password: STRONG_PASSWORD,
    });
    expect(result.user.username).toBe(username);
  });

  it.each([
    ['ab', 'At least 3 characters'],
    ['x'.repeat(33), 'At most 32 characters'],
    ['has space', 'Only letters, digits, "_", "." and "-"'],
    ['émile', 'Only letters, digits, "_", "." and "-"'],
  ])('refuses the username %j with BAD_REQUEST and fieldErrors.username', async (username, why) => {
    const error = await errorOf(anon.auth.register.mutate({ username, password: STRONG_PASSWORD }));
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(error.data?.fieldErrors?.username).toContain(why);
  });

  it('accepts every allowed username character and both length bounds', async () => {
    for (const username of ['a_b', `Z.${process.pid}-_9`, 'q'.repeat(32)]) {
      const result = await anon.auth.register.mutate({ username, password: STRONG_PASSWORD });
      expect(result.user.username).toBe(username);
    }
  });

  const cases: Array<[string, string, PasswordRule[]]> = [
    ['minLength', 'Ab1cdef', ['minLength']],
    ['maxLength', `Ab1${'c'.repeat(126)}`, ['maxLength']],
    ['uppercase', 'lowercase-only-1', ['uppercase']],
    ['lowercase', 'UPPERCASE-ONLY-1', ['lowercase']],
    ['digit', 'No-Digits-Here', ['digit']],
    ['several at once', 'qzvx', ['minLength', 'uppercase', 'digit']],
  ];
  it.each(cases)('reports the %s rule by name', async (_name, password, rules) => {
    const error = await errorOf(
      anon.auth.register.mutate({ username: newUsername('rules'), password }),
    );
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(error.data?.passwordRules).toEqual(rules);
    expect(error.data?.fieldErrors?.password).toEqual(rules.map((r) => passwordRuleMessages[r]));
    expect(error.message).toBe('The password does not meet the rules.');
  });

  it('counts length in characters, not bytes or UTF-16 units', async () => {
    // 128 emoji are 256 UTF-16 units and 512 bytes, yet within the limit.
    const password = `Aa1${'😀'.repeat(125)}`;
    const ok = await anon.auth.register.mutate({ username: newUsername('emoji'), password });
    expect(ok.user.id).toEqual(expect.any(String));
    const error = await errorOf(
      anon.auth.register.mutate({ username: newUsername('emoji'), password: `${password}😀` }),
    );
    expect(error.data?.passwordRules).toEqual(['maxLength']);
  });

  it('names maxLength for a very long password too, not a shape error', async () => {
    const error = await errorOf(
      anon.auth.register.mutate({
        username: newUsername('long'),
        password: `Aa1${'x'.repeat(5000)}`,
      }),
    );
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(error.data?.passwordRules).toEqual(['maxLength']);
  });

  it('refuses a password that contains the username, whatever its case (notUsername)', async () => {
    const username = newUsername('Carol');
    const error = await errorOf(
      anon.auth.register.mutate({ username, password: `X9${username.toUpperCase()}y` }),
    );
    expect(error.data?.passwordRules).toEqual(['notUsername']);
    expect(error.data?.fieldErrors?.password).toEqual([passwordRuleMessages.notUsername]);
  });

  it.each(['Password1', 'Qwerty123', 'Iloveyou1', 'Abc12345'])(
    'refuses the common password %j (common), though it meets every other rule',
    async (password) => {
      const error = await errorOf(
        anon.auth.register.mutate({ username: newUsername('common'), password }),
      );
      expect(error.data?.code).toBe('BAD_REQUEST');
      expect(error.data?.passwordRules).toEqual(['common']);
      expect(error.data?.fieldErrors?.password).toEqual([passwordRuleMessages.common]);
    },
  );

  it('stores nothing when the password is refused', async () => {
    const username = newUsername('nothing');
    await errorOf(anon.auth.register.mutate({ username, password: 'weak' }));
    const login = await errorOf(anon.auth.login.mutate({ username, password: 'weak' }));
    expect(login.data?.code).toBe('UNAUTHORIZED');
    await anon.auth.register.mutate({ username, password: STRONG_PASSWORD });
  });
});

describe('passwords longer than bcrypt reads (72 bytes)', () => {
  const prefix72 = `Aa1${'x'.repeat(69)}`; // 72 ASCII bytes

  it('does not let two passwords equal in their first 72 bytes stand in for each other', async () => {
    expect(Buffer.byteLength(prefix72)).toBe(72);
    const username = newUsername('long');
    const password = `${prefix72}-first`;
    await anon.auth.register.mutate({ username, password });

    for (const other of [`${prefix72}-other`, prefix72, `${prefix72}-firsT`]) {
      const error = await errorOf(anon.auth.login.mutate({ username, password: other }));
      expect(error.data?.code).toBe('UNAUTHORIZED');
    }
    const ok = await anon.auth.login.mutate({ username, password });
    expect(ok.user.username).toBe(username);
  });

  it('counts every byte of multi-byte characters too', async () => {
    const multibyte = `Aa1${'€'.repeat(23)}`; // 3 + 69 = 72 bytes
    expect(Buffer.byteLength(multibyte)).toBe(72);
    const username = newUsername('euro');
    await anon.auth.register.mutate({ username, password: `${multibyte}€€` });
    const error = await errorOf(anon.auth.login.mutate({ username, password: `${multibyte}€£` }));
    expect(error.data?.code).toBe('UNAUTHORIZED');
    await anon.auth.login.mutate({ username, password: `${multibyte}€€` });
  });
});

describe('auth.login', () => {
  it('gives the same UNAUTHORIZED error for an unknown user and a wrong password', async () => {
    const username = newUsername('known');
    await anon.auth.register.mutate({ username, password: STRONG_PASSWORD });
    const wrongPassword = await errorOf(
      anon.auth.login.mutate({ username, password: `${STRONG_PASSWORD}x` }),
    );
    const unknownUser = await errorOf(
      anon.auth.login.mutate({ username: newUsername('ghost'), password: STRONG_PASSWORD }),
    );
    expect(wrongPassword.data?.code).toBe('UNAUTHORIZED');
    expect(wrongPassword.data?.httpStatus).toBe(401);
    expect(unknownUser.message).toBe(wrongPassword.message);
    expect(unknownUser.data).toEqual(wrongPassword.data);
    expect(unknownUser.shape).toEqual(wrongPassword.shape);
  });

  it('gives the same error over the WebSocket too', async () => {
    const ws = wsClient(test);
    try {
      const unknownUser = await errorOf(
        ws.client.auth.login.mutate({ username: newUsername('ghost'), password: 'Whatever-1' }),
      );
      const viaHttp = await errorOf(
        anon.auth.login.mutate({ username: newUsername('ghost'), password: 'Whatever-1' }),
      );
      expect(unknownUser.message).toBe(viaHttp.message);
      expect(unknownUser.data?.code).toBe('UNAUTHORIZED');
    } finally {
      await ws.close();
    }
  });

  it('gives each login its own session', async () => {
    const username = newUsername('twice');
    const first = await anon.auth.register.mutate({ username, password: STRONG_PASSWORD });
    const second = await anon.auth.login.mutate({ username, password: STRONG_PASSWORD });
    expect(second.user).toEqual(first.user);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    const sessions = await httpClient(test, { token: second.accessToken }).auth.sessions.query();
    expect(sessions).toHaveLength(2);
  });
});

describe('auth.me', () => {
  it('needs a token (UNAUTHORIZED), over HTTP and WebSocket', async () => {
    expect((await errorOf(anon.auth.me.query())).data?.code).toBe('UNAUTHORIZED');
    const ws = wsClient(test);
    try {
      expect((await errorOf(ws.client.auth.me.query())).data?.code).toBe('UNAUTHORIZED');
    } finally {
      await ws.close();
    }
  });

  it('works over the WebSocket with the token as connectionParams', async () => {
    const result = await anon.auth.register.mutate({
      username: newUsername('wsme'),
      password: STRONG_PASSWORD,
    });
    const ws = wsClient(test, result.accessToken);
    try {
      expect(await ws.client.auth.me.query()).toEqual(result.user);
    } finally {
      await ws.close();
    }
  });
});

describe('auth.sessions and auth.revokeSession', () => {
  it('lists the live sessions, marks the current one, and revokes another at once', async () => {
    const username = newUsername('sess');
    const laptop = await httpClient(test, {
      headers: { 'user-agent': 'Laptop/1.0' },
    }).auth.register.mutate({ username, password: STRONG_PASSWORD });
    const phone = await httpClient(test, {
      headers: { 'user-agent': 'Phone/2.0' },
    }).auth.login.mutate({ username, password: STRONG_PASSWORD });
    const asLaptop = httpClient(test, { token: laptop.accessToken });
    const asPhone = httpClient(test, { token: phone.accessToken });

    const sessions = await asLaptop.auth.sessions.query();
    expect(sessions).toHaveLength(2);
    const current = sessions.find((s) => s.current);
    const other = sessions.find((s) => !s.current);
    expect(current?.userAgent).toBe('Laptop/1.0');
    expect(other?.userAgent).toBe('Phone/2.0');
    for (const session of sessions) {
      expect(session.createdAt).toBeLessThanOrEqual(Date.now());
      expect(session.lastUsedAt).toBeGreaterThanOrEqual(session.createdAt);
    }

    const phoneSocket = wsClient(test, phone.accessToken);
    try {
      await phoneSocket.client.auth.me.query();
      const closed = phoneSocket.closed();
      expect(await asLaptop.auth.revokeSession.mutate({ sessionId: other!.id })).toEqual({
        ok: true,
      });
      // At once: the phone's access token, its refresh token and its open socket.
      expect((await errorOf(asPhone.auth.me.query())).data?.code).toBe('UNAUTHORIZED');
      expect(await closed).toBe(4001);
      const refresh = await errorOf(anon.auth.refresh.mutate({ refreshToken: phone.refreshToken }));
      expect(refresh.data?.code).toBe('UNAUTHORIZED');
    } finally {
      await phoneSocket.close();
    }

    const left = await asLaptop.auth.sessions.query();
    expect(left.map((s) => s.id)).toEqual([current!.id]);
    expect(await asLaptop.auth.me.query()).toEqual(laptop.user);
  });

  it("answers NOT_FOUND for another user's session and for an unknown id, and ends nothing", async () => {
    const alice = await anon.auth.register.mutate({
      username: newUsername('ally'),
      password: STRONG_PASSWORD,
    });
    const bob = await anon.auth.register.mutate({
      username: newUsername('bob'),
      password: STRONG_PASSWORD,
    });
    const asBob = httpClient(test, { token: bob.accessToken });
    const [bobSession] = await asBob.auth.sessions.query();
    const asAlice = httpClient(test, { token: alice.accessToken });

    const foreign = await errorOf(asAlice.auth.revokeSession.mutate({ sessionId: bobSession!.id }));
    const unknown = await errorOf(
      asAlice.auth.revokeSession.mutate({ sessionId: 'no-such-session' }),
    );
    expect(foreign.data?.code).toBe('NOT_FOUND');
    expect(unknown.message).toBe(foreign.message);
    expect(await asBob.auth.me.query()).toEqual(bob.user);
    // Sessions are private: Alice sees only her own.
    expect((await asAlice.auth.sessions.query()).map((s) => s.current)).toEqual([true]);
  });

  it('revoking the current session works like logout', async () => {
    const result = await anon.auth.register.mutate({
      username: newUsername('self'),
      password: STRONG_PASSWORD,
    });
    const client = httpClient(test, { token: result.accessToken });
    const [session] = await client.auth.sessions.query();
    await client.auth.revokeSession.mutate({ sessionId: session!.id });
    expect((await errorOf(client.auth.me.query())).data?.code).toBe('UNAUTHORIZED');
  });
});
