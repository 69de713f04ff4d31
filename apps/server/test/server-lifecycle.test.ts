import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  STRONG_PASSWORD,
  decodeJwt,
  errorOf,
  httpClient,
  newUsername,
  rawRequest,
  signJwt,
  wsClient,
} from './clients.js';
import { startTestServer, testDialect } from './start-test-server.js';

// What must hold across the server's life: the data directory and its secret, sessions and
// revocations across restarts, and what the logs say (and never say).
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempRoot() {
  const root = await mkdtemp(join(tmpdir(), 'parley-lifecycle-'));
  cleanups.push(() => rm(root, { recursive: true, force: true }));
  return root;
}

async function start(options: Parameters<typeof startTestServer>[0]) {
  const test = await startTestServer(options);
  cleanups.push(() => test.dispose());
  return test;
}

describe('the data directory and the JWT secret', () => {
  it('first start creates the directory, the database and a 0600 secret; a restart reuses it', async () => {
    const dataDir = join(await tempRoot(), 'not', 'yet', 'there');
    const test = await start({ dataDir, jwtSecret: null });

    // The embedded database lives there; with PostgreSQL nothing but the secret and logs does.
    const databaseFile = stat(join(dataDir, 'parley.db'));
    if (testDialect === 'sqlite') expect((await databaseFile).isFile()).toBe(true);
    else await expect(databaseFile).rejects.toMatchObject({ code: 'ENOENT' });
    // Only the server's user may enter it: the database holds password hashes and messages.
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    const secretFile = join(dataDir, 'jwt-secret');
    expect((await stat(secretFile)).mode & 0o777).toBe(0o600);
    const secretText = await readFile(secretFile, 'utf8');
    const secret = Buffer.from(secretText.trim(), 'base64');
    expect(secret).toHaveLength(32);

    const result = await httpClient(test).auth.register.mutate({
      username: newUsername('life'),
      password: STRONG_PASSWORD,
    });
    // The file is the key in use: a token signed with it by hand is accepted.
    const now = Math.floor(Date.now() / 1000);
    const handMade = signJwt(
      { alg: 'HS256', typ: 'JWT' },
      { ...decodeJwt(result.accessToken), iat: now, exp: now + 60 },
      secret,
    );
    expect(await httpClient(test, { token: handMade }).auth.me.query()).toEqual(result.user);

    await test.restart();
    expect(await readFile(secretFile, 'utf8')).toBe(secretText);
    expect((await stat(secretFile)).mode & 0o777).toBe(0o600);
    // Tokens from before the restart still work: same secret, same database.
    expect(await httpClient(test, { token: result.accessToken }).auth.me.query()).toEqual(
      result.user,
    );
    const refreshed = await httpClient(test).auth.refresh.mutate({
      refreshToken: result.refreshToken,
    });
    expect(refreshed.user).toEqual(result.user);
    expect((await rawRequest(`${test.url}/healthz`)).status).toBe(200);
  });

  it('uses JWT_SECRET when given, and then writes no secret file', async () => {
    const dataDir = join(await tempRoot(), 'data');
    const test = await start({ dataDir, jwtSecret: 'x'.repeat(40) });
    await expect(stat(join(dataDir, 'jwt-secret'))).rejects.toMatchObject({ code: 'ENOENT' });
    const result = await httpClient(test).auth.register.mutate({
      username: newUsername('env'),
      password: STRONG_PASSWORD,
    });
    const now = Math.floor(Date.now() / 1000);
    const handMade = signJwt(
      { alg: 'HS256', typ: 'JWT' },
      { ...decodeJwt(result.accessToken), iat: now, exp: now + 60 },
      'x'.repeat(40),
    );
    expect(await httpClient(test, { token: handMade }).auth.me.query()).toEqual(result.user);
  });

  it('refuses to start over a damaged secret file instead of replacing it', async () => {
    const dataDir = join(await tempRoot(), 'data');
    await mkdir(dataDir, { recursive: true });
    await writeFile(join(dataDir, 'jwt-secret'), 'not base64 at all!\n');
    await expect(startTestServer({ dataDir, jwtSecret: null })).rejects.toThrow(
      /does not hold a valid secret/,
    );
    expect(await readFile(join(dataDir, 'jwt-secret'), 'utf8')).toBe('not base64 at all!\n');
  });

  it('refuses a JWT_SECRET shorter than 32 bytes', async () => {
    const dataDir = join(await tempRoot(), 'data');
    await expect(startTestServer({ dataDir, jwtSecret: 'too-short' })).rejects.toThrow(
      /at least 32 bytes/,
    );
  });
});

describe('sessions across restarts', () => {
  it('keeps a revoked session revoked, and a live one live', async () => {
    const test = await start({});
    const username = newUsername('restart');
    const gone = await httpClient(test).auth.register.mutate({
      username,
      password: STRONG_PASSWORD,
    });
    const kept = await httpClient(test).auth.login.mutate({ username, password: STRONG_PASSWORD });
    await httpClient(test, { token: gone.accessToken }).auth.logout.mutate();

    await test.restart();
    const refused = await errorOf(httpClient(test, { token: gone.accessToken }).auth.me.query());
    expect(refused.data?.code).toBe('UNAUTHORIZED');
    const socket = wsClient(test, gone.accessToken);
    try {
      expect(await socket.closed()).toBe(4001);
    } finally {
      await socket.close();
    }
    expect(await httpClient(test, { token: kept.accessToken }).auth.me.query()).toEqual(kept.user);
  });

  it('tells open WebSocket clients to reconnect when it shuts down', async () => {
    const test = await start({});
    const result = await httpClient(test).auth.register.mutate({
      username: newUsername('bye'),
      password: STRONG_PASSWORD,
    });
    const socket = wsClient(test, result.accessToken);
    try {
      await socket.client.auth.me.query();
      const closed = socket.closed();
      await test.server.close();
      expect(await closed).toBe(1012);
    } finally {
      await socket.close();
    }
  });
});

describe('logs', () => {
  it('writes one JSON line per auth event, with the IP of a failed login, and never a secret', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    const test = await start({ logger: pino({ level: 'debug' }, sink) });
    const anon = httpClient(test);
    const username = newUsername('logs');
    const registered = await anon.auth.register.mutate({ username, password: STRONG_PASSWORD });
    await errorOf(anon.auth.login.mutate({ username, password: 'Wrong-Password-9' }));
    const other = await anon.auth.login.mutate({ username, password: STRONG_PASSWORD });
    const refreshed = await anon.auth.refresh.mutate({ refreshToken: other.refreshToken });
    const socket = wsClient(test, refreshed.accessToken);
    await socket.client.auth.me.query();
    const closed = socket.closed();
    await httpClient(test, { token: registered.accessToken }).auth.revokeSession.mutate({
      sessionId: decodeJwt(other.accessToken).sid as string,
    });
    await closed;
    await socket.close();
    const third = await anon.auth.login.mutate({ username, password: STRONG_PASSWORD });
    const rotated = await anon.auth.refresh.mutate({ refreshToken: third.refreshToken });
    await anon.auth.refresh.mutate({ refreshToken: rotated.refreshToken });
    await errorOf(anon.auth.refresh.mutate({ refreshToken: third.refreshToken })); // reuse
    await httpClient(test, { token: registered.accessToken }).auth.logout.mutate();
    await new Promise((resolve) => setTimeout(resolve, 50));

    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const events = entries.map((entry) => entry.event);
    for (const event of [
      'signup',
      'login',
      'login-failed',
      'token-refresh',
      'refresh-reuse',
      'logout',
      'session-revoked',
      'ws-connect',
      'ws-auth',
      'ws-disconnect',
    ]) {
      expect(events, event).toContain(event);
    }
    expect(entries.find((entry) => entry.event === 'login-failed')).toMatchObject({
      ip: '127.0.0.1',
    });

    const secrets = [
      STRONG_PASSWORD,
      'Wrong-Password-9',
      ...[registered, other, refreshed, third, rotated].flatMap((r) => [
        r.accessToken,
        r.refreshToken,
        r.refreshToken.split('.')[1]!,
        createHash('sha256').update(r.refreshToken).digest('base64url'), // as stored
      ]),
    ];
    const all = lines.join('\n');
    for (const secret of secrets) expect(all).not.toContain(secret);
    expect(all).not.toMatch(/\$2[aby]\$/); // no bcrypt hash
  });
});
