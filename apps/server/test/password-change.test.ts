import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, httpClient, STRONG_PASSWORD, wsClient } from './clients.js';
import { startTestServer, type TestServer } from './start-test-server.js';
import { registerUser } from './test-users.js';

// Release 2: account.changePassword (docs/api.md).
let test: TestServer;

beforeAll(async () => {
  test = await startTestServer({ requestsPerMinute: 100_000 });
});
afterAll(() => test.dispose());

const password = (n: number) => `Harbor-Lantern-${n}q`;

describe('account.changePassword', () => {
  it('keeps the calling session with new tokens and ends every other one (sockets close 4001)', async () => {
    const user = await registerUser(test, 'changer');
    const anon = httpClient(test);
    const login = () =>
      anon.auth.login.mutate({ username: user.username, password: STRONG_PASSWORD });
    const [other, another] = [await login(), await login()];
    const otherSocket = wsClient(test, other.accessToken);
    try {
      expect((await otherSocket.client.auth.me.query()).id).toBe(user.id);
      const closed = otherSocket.closed();
      const current = httpClient(test, { token: user.accessToken });

      const result = await current.account.changePassword.mutate({
        currentPassword: STRONG_PASSWORD,
        newPassword: password(1),
      });
      expect(result.user).toMatchObject({ id: user.id, username: user.username });
      expect(await closed).toBe(4001);

      // The other sessions are over: their access and refresh tokens are refused.
      for (const ended of [other, another]) {
        const me = await errorOf(httpClient(test, { token: ended.accessToken }).auth.me.query());
        expect(me.data?.code).toBe('UNAUTHORIZED');
        const refresh = await errorOf(
          anon.auth.refresh.mutate({ refreshToken: ended.refreshToken }),
        );
        expect(refresh.data?.code).toBe('UNAUTHORIZED');
      }
      // The calling session continues with the new tokens.
      const continued = httpClient(test, { token: result.accessToken });
      const sessions = await continued.auth.sessions.query();
      expect(sessions).toHaveLength(1);
      expect(sessions[0]?.current).toBe(true);
      const refreshed = await anon.auth.refresh.mutate({ refreshToken: result.refreshToken });
      expect(refreshed.user.id).toBe(user.id);

      // The new password logs in, the old one no longer does.
      const old = await errorOf(login());
      expect(old.data?.code).toBe('UNAUTHORIZED');
      await anon.auth.login.mutate({ username: user.username, password: password(1) });
    } finally {
      await otherSocket.close();
    }
  });

  it('refuses a new password that breaks the sign-up rules, equals the current one, or repeats one of the last five', async () => {
    const user = await registerUser(test, 'reuser');
    const change = (currentPassword: string, newPassword: string) =>
      user.http.account.changePassword.mutate({ currentPassword, newPassword });
    const refusal = async (currentPassword: string, newPassword: string) => {
      const error = await errorOf(change(currentPassword, newPassword));
      expect(error.data?.code).toBe('BAD_REQUEST');
      return error.data?.fieldErrors?.newPassword ?? [];
    };

    expect(await refusal(STRONG_PASSWORD, 'short1A')).toEqual(['At least 8 characters']);
    expect((await refusal(STRONG_PASSWORD, `${user.username}Aa1xyz`)).length).toBeGreaterThan(0);
    expect(await refusal(STRONG_PASSWORD, STRONG_PASSWORD)).toEqual([
      'The new password must differ from the current one.',
    ]);

    // STRONG_PASSWORD → 1 → 2 → 3 → 4 → 5: the last five earlier ones are STRONG_PASSWORD and 1–4.
    let current = STRONG_PASSWORD;
    for (let n = 1; n <= 5; n += 1) {
      await change(current, password(n));
      current = password(n);
    }
    for (const earlier of [STRONG_PASSWORD, password(1), password(4)]) {
      expect(await refusal(current, earlier)).toEqual([
        expect.stringMatching(/used this password before/),
      ]);
    }
    // One more change pushes STRONG_PASSWORD out of the last five: it may be used again.
    await change(current, password(6));
    expect(await refusal(password(6), password(2))).toHaveLength(1);
    await change(password(6), STRONG_PASSWORD);
    await httpClient(test).auth.login.mutate({
      username: user.username,
      password: STRONG_PASSWORD,
    });
  });
});

describe('a wrong current password', () => {
  it('is UNAUTHORIZED and counts as a failed login for the caller’s IP', async () => {
    const limited = await startTestServer({ loginMaxFailures: 3 });
    try {
      const user = await registerUser(limited, 'guessed');
      const anon = httpClient(limited);
      const wrongLogin = await errorOf(
        anon.auth.login.mutate({ username: user.username, password: 'Wrong-Password-1' }),
      );
      expect(wrongLogin.data?.code).toBe('UNAUTHORIZED');
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const error = await errorOf(
          user.http.account.changePassword.mutate({
            currentPassword: `Not-The-Password-${attempt}`,
            newPassword: password(9),
          }),
        );
        expect(error.data?.code).toBe('UNAUTHORIZED');
        expect(error.data?.fieldErrors?.currentPassword).toBeDefined();
      }
      // Three failures (a login and two changes): the IP is refused, even with the right password.
      const blockedChange = await errorOf(
        user.http.account.changePassword.mutate({
          currentPassword: STRONG_PASSWORD,
          newPassword: password(9),
        }),
      );
      expect(blockedChange.data?.code).toBe('TOO_MANY_REQUESTS');
      const blockedLogin = await errorOf(
        anon.auth.login.mutate({ username: user.username, password: STRONG_PASSWORD }),
      );
      expect(blockedLogin.data?.code).toBe('TOO_MANY_REQUESTS');
      // Nothing changed: the session still works with the old password in place.
      expect((await user.http.auth.me.query()).id).toBe(user.id);
    } finally {
      await limited.dispose();
    }
  });
});
