import type { AuthResult } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { describeError } from './describe-error.js';
import { memoryStorage, type KeyValueStorage } from './storage.js';
import { eventually, password, username } from '../test/test-clients.js';
import { testEnvironment } from '../test/test-environment.js';

const env = testEnvironment();

/** Signs up, then leaves a stored session whose access token the server will refuse (but not yet expired). */
async function storedSessionWithRefusedToken(): Promise<{
  storage: KeyValueStorage;
  name: string;
}> {
  const storage = memoryStorage();
  const first = env.client(env.server.url, { storage });
  const name = username('alice');
  await first.client.register(name, password);
  await first.client.flush();
  first.client.close();
  const auth = JSON.parse((await storage.getItem('parley:auth'))!) as AuthResult;
  await storage.setItem(
    'parley:auth',
    JSON.stringify({ ...auth, accessToken: `${auth.accessToken.slice(0, -4)}AAAA` }),
  );
  return { storage, name };
}

describe('sessions and token refresh', () => {
  it('restores a stored session; a socket closed with 4001 refreshes once and reconnects', async () => {
    const { storage, name } = await storedSessionWithRefusedToken();
    const a = env.client(env.server.url, { storage });
    const user = await a.client.restore();
    expect(user?.username).toBe(name);
    await eventually(() => expect(a.client.connection().kind).toBe('online'));
    expect(a.closeCodes).toEqual([4001]); // the server closed the first socket for its token
    expect(a.client.stats().refreshes).toBe(1);
    expect((await a.client.api.auth.me.query()).username).toBe(name);
    expect(a.client.stats().refreshes).toBe(1);
  });

  it('makes a single refresh when many HTTP calls and the socket are refused at once', async () => {
    const { storage, name } = await storedSessionWithRefusedToken();
    const a = env.client(env.server.url, { storage });
    await a.client.restore();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => a.client.api.auth.me.query()),
    );
    expect(results.map((r) => r.username)).toEqual(Array(8).fill(name));
    await eventually(() => expect(a.client.connection().kind).toBe('online'));
    expect(a.client.stats().refreshes).toBe(1);
    // The rotated refresh token is the one kept: a later restart refreshes without a theft alarm.
    await a.client.flush();
    a.client.close();
    const again = env.client(env.server.url, { storage });
    expect((await again.client.restore())?.username).toBe(name);
  });

  it('logout ends the server session and forgets tokens, cursor and outbox', async () => {
    const storage = memoryStorage();
    const a = env.client(env.server.url, { storage });
    await a.client.register(username('alice'), password);
    await eventually(() => expect(a.client.connection().kind).toBe('online'));
    await a.client.flush();
    const stored = JSON.parse((await storage.getItem('parley:auth'))!) as AuthResult;
    const signedOut: unknown[] = [];
    a.client.onAuthChange((u) => signedOut.push(u));
    await a.client.logout();
    expect(a.client.user()).toBeNull();
    expect(a.client.connection()).toEqual({ kind: 'offline' });
    expect(signedOut).toEqual([null]);
    expect(await storage.getItem('parley:auth')).toBeNull();
    expect(await storage.getItem(`parley:events:${stored.user.id}`)).toBeNull();
    expect(await storage.getItem(`parley:outbox:${stored.user.id}`)).toBeNull();
    const refused = await a.client.api.auth.refresh
      .mutate({ refreshToken: stored.refreshToken })
      .catch((e: unknown) => e);
    expect(describeError(refused).code).toBe('UNAUTHORIZED');

    // The same client signs in again and goes back online.
    await a.client.login(stored.user.username, password);
    await eventually(() => expect(a.client.connection().kind).toBe('online'));
    expect(signedOut).toEqual([null, stored.user]);
  });

  it('a session revoked elsewhere signs the client out (4001, then the refresh is refused)', async () => {
    const a = env.client(env.server.url);
    const other = env.client(env.server.url);
    const name = username('alice');
    await a.client.register(name, password);
    await other.client.login(name, password);
    await eventually(() => expect(a.client.connection().kind).toBe('online'));
    const changes: unknown[] = [];
    a.client.onAuthChange((u) => changes.push(u));
    const sessions = await other.client.api.auth.sessions.query();
    const victim = sessions.find((s) => !s.current)!;
    await other.client.api.auth.revokeSession.mutate({ sessionId: victim.id });
    await eventually(() => expect(a.client.user()).toBeNull());
    await eventually(() => expect(a.client.connection().kind).toBe('offline'));
    expect(changes).toEqual([null]);
    expect(other.client.user()?.username).toBe(name);
  });
});
