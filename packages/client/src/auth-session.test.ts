import type { AuthResult } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { accessTokenLifetimeMs, AuthSession } from './auth-session.js';
import { memoryStorage } from './storage.js';
import { networkError, serverError } from '../test/test-errors.js';

const user = { id: 'u1', username: 'alice', createdAt: 1 };
let serial = 0;
const tokens = (expiresIn = 3_600_000): AuthResult => {
  serial++;
  return {
    user,
    accessToken: `access-${serial}`,
    accessTokenExpiresAt: Date.now() + expiresIn,
    refreshToken: `refresh-${serial}`,
    refreshTokenExpiresAt: Date.now() + 30 * 86_400_000,
  };
};

/** A session whose refresh always succeeds with new tokens; `refreshed()` counts the refreshes. */
function countingSession(options: { refreshMarginMs?: number } = {}) {
  let refreshed = 0;
  const session = new AuthSession({
    storage: memoryStorage(),
    key: 'auth',
    ...options,
    refresh: () => {
      refreshed++;
      return Promise.resolve(tokens());
    },
  });
  return { session, refreshed: () => refreshed };
}

describe('AuthSession', () => {
  it('makes one refresh for many concurrent rejections of the same token', async () => {
    const presented: string[] = [];
    const session = new AuthSession({
      storage: memoryStorage(),
      key: 'auth',
      refresh: async (refreshToken) => {
        presented.push(refreshToken);
        await new Promise((resolve) => setTimeout(resolve, 10));
        return tokens();
      },
    });
    const first = tokens();
    session.set(first);
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map(() => session.rejected(first.accessToken)),
    );
    expect(presented).toEqual([first.refreshToken]);
    expect(new Set(results.map((r) => r?.accessToken)).size).toBe(1);
    // A late 401 for the old token does not refresh again.
    await session.rejected(first.accessToken);
    expect(presented).toHaveLength(1);
    session.close();
  });

  it('refreshes before handing out an access token that is about to expire', async () => {
    const { session, refreshed } = countingSession();
    const soon = tokens(5_000);
    session.set(soon);
    const token = await session.accessToken();
    expect(refreshed()).toBe(1);
    expect(token).not.toBe(soon.accessToken);
    session.close();
  });

  it('refreshes on its own shortly before expiry', async () => {
    const { session, refreshed } = countingSession({ refreshMarginMs: 60_000 });
    session.set(tokens(61_000)); // due in 1 s
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    expect(refreshed()).toBe(1);
    session.close();
  });

  it('keeps the refresh token on network errors, so the retry presents the same one', async () => {
    const presented: string[] = [];
    let fail = true;
    const session = new AuthSession({
      storage: memoryStorage(),
      key: 'auth',
      refresh: (refreshToken) => {
        presented.push(refreshToken);
        return fail ? Promise.reject(networkError()) : Promise.resolve(tokens());
      },
    });
    const first = tokens();
    session.set(first);
    await expect(session.refresh()).rejects.toThrow();
    fail = false;
    await session.refresh();
    expect(presented).toEqual([first.refreshToken, first.refreshToken]);
    session.close();
  });

  it('drops the session, in storage too, when the server refuses the refresh token', async () => {
    const storage = memoryStorage();
    const session = new AuthSession({
      storage,
      key: 'auth',
      refresh: () => Promise.reject(serverError('UNAUTHORIZED', 'Session ended')),
    });
    const changes: unknown[] = [];
    session.onChange((u) => changes.push(u));
    session.set(tokens());
    await session.flush();
    expect(await storage.getItem('auth')).not.toBeNull();
    expect(await session.refresh()).toBeNull();
    expect(session.user()).toBeNull();
    expect(await storage.getItem('auth')).toBeNull();
    expect(changes).toEqual([user, null]);
  });

  it('restores stored tokens, unless the refresh token has expired', async () => {
    const storage = memoryStorage();
    const refresh = () => Promise.resolve(tokens());
    const first = new AuthSession({ storage, key: 'auth', refresh });
    first.set(tokens());
    await first.flush();
    first.close();
    const second = new AuthSession({ storage, key: 'auth', refresh });
    expect((await second.load())?.user).toEqual(user);
    second.close();
    await storage.setItem(
      'auth',
      JSON.stringify({ ...tokens(), refreshTokenExpiresAt: Date.now() - 1 }),
    );
    const third = new AuthSession({ storage, key: 'auth', refresh });
    expect(await third.load()).toBeNull();
  });

  it('judges expiry by the token’s own lifetime, so a device clock hours off does not cause refresh storms', async () => {
    const serverNow = Date.now() - 2 * 3_600_000; // this device's clock is two hours ahead
    const claims = {
      sub: 'u1',
      iat: Math.floor(serverNow / 1000),
      exp: Math.floor(serverNow / 1000) + 3600,
    };
    const jwt = ['{"alg":"HS256"}', JSON.stringify(claims)]
      .map((part) => Buffer.from(part).toString('base64url'))
      .concat('signature')
      .join('.');
    expect(accessTokenLifetimeMs(jwt)).toBe(3_600_000);
    expect(accessTokenLifetimeMs('not-a-jwt')).toBeNull();
    const { session, refreshed } = countingSession();
    session.set({ ...tokens(), accessToken: jwt, accessTokenExpiresAt: claims.exp * 1000 });
    expect(await session.accessToken()).toBe(jwt);
    expect(refreshed()).toBe(0);
    session.close();
  });
});
