import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadServerConfig } from './server-config.js';

describe('loadServerConfig', () => {
  it('puts ./data where npm was invoked (npm start at the root runs in apps/server)', () => {
    const config = loadServerConfig({ INIT_CWD: '/srv/parley' });
    expect(config.dataDir).toBe('/srv/parley/data');
    expect(loadServerConfig({ INIT_CWD: '/srv/parley', DATA_DIR: 'state' }).dataDir).toBe(
      '/srv/parley/state',
    );
    expect(loadServerConfig({ INIT_CWD: '/srv/parley', LOG_DIR: 'logs' }).logDir).toBe(
      '/srv/parley/logs',
    );
  });

  it('resolves against the working directory without npm, and keeps absolute paths', () => {
    expect(loadServerConfig({}).dataDir).toBe(resolve('data'));
    expect(loadServerConfig({ INIT_CWD: '/x', DATA_DIR: '/var/lib/parley' }).dataDir).toBe(
      join('/var/lib/parley'),
    );
  });

  it('has the defaults of docs/api.md', () => {
    const config = loadServerConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      bcryptCost: 12,
      loginMaxFailures: 5,
      requestsPerMinute: 1000,
      trustProxy: 0,
      databaseUrl: null,
      databasePoolSize: 10,
      databaseReadUrls: [],
      databaseReadMaxLagMs: 1000,
      jwtSecret: null,
      jwtPrivateKey: null,
      jwtPublicKeys: null,
      logDir: null,
    });
  });

  it('pings a quiet WebSocket after 30 s and waits 10 s for the answer, unless told otherwise', () => {
    expect(loadServerConfig({})).toMatchObject({
      keepAlivePingMs: 30_000,
      keepAlivePongWaitMs: 10_000,
    });
    expect(
      loadServerConfig({ KEEP_ALIVE_PING_MS: '45000', KEEP_ALIVE_PONG_WAIT_MS: '5000' }),
    ).toMatchObject({ keepAlivePingMs: 45_000, keepAlivePongWaitMs: 5_000 });
    expect(() => loadServerConfig({ KEEP_ALIVE_PING_MS: '500' })).toThrow(/KEEP_ALIVE_PING_MS/);
    expect(() => loadServerConfig({ KEEP_ALIVE_PONG_WAIT_MS: '1e9' })).toThrow(
      /KEEP_ALIVE_PONG_WAIT_MS/,
    );
  });

  it('refuses values it cannot use, naming the variable', () => {
    expect(() => loadServerConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadServerConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadServerConfig({ BCRYPT_COST: '3' })).toThrow(/BCRYPT_COST/);
    expect(() => loadServerConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/postgres/);
  });

  describe('PostgreSQL pool and read replicas', () => {
    const primary = 'postgres://parley:pw@db:5432/parley';

    it('reads the pool size, the replicas (comma-separated) and their allowed lag', () => {
      const config = loadServerConfig({
        DATABASE_URL: primary,
        DATABASE_POOL_SIZE: '25',
        DATABASE_READ_URL: ' postgres://r1/parley , postgresql://r2:5433/parley,',
        DATABASE_READ_MAX_LAG_MS: '250',
      });
      expect(config).toMatchObject({
        databaseUrl: primary,
        databasePoolSize: 25,
        databaseReadUrls: ['postgres://r1/parley', 'postgresql://r2:5433/parley'],
        databaseReadMaxLagMs: 250,
      });
    });

    it('refuses a pool outside 1–1000, a lag that is not a whole number, and other URLs', () => {
      for (const size of ['0', '1001', '2.5', 'ten']) {
        expect(() => loadServerConfig({ DATABASE_POOL_SIZE: size })).toThrow(/DATABASE_POOL_SIZE/);
      }
      expect(loadServerConfig({ DATABASE_POOL_SIZE: '1000' }).databasePoolSize).toBe(1000);
      expect(() => loadServerConfig({ DATABASE_READ_MAX_LAG_MS: '-1' })).toThrow(
        /DATABASE_READ_MAX_LAG_MS/,
      );
      expect(() =>
        loadServerConfig({
          DATABASE_URL: primary,
          DATABASE_READ_URL: 'postgres://r1/parley,mysql://secret@r2/x',
        }),
      ).toThrow(/DATABASE_READ_URL: entry 2 is not a postgres/);
      // The URL is not echoed: it may carry a password.
      const error = (() => {
        try {
          loadServerConfig({ DATABASE_URL: primary, DATABASE_READ_URL: 'mysql://secret@r2/x' });
        } catch (thrown) {
          return thrown as Error;
        }
        return null;
      })();
      expect(error?.message).toMatch(/entry 1/);
      expect(error?.message).not.toMatch(/secret/);
      expect(() => loadServerConfig({ DATABASE_READ_URL: 'postgres://r1/parley' })).toThrow(
        /needs DATABASE_URL/,
      );
    });
  });

  describe('access-token keys', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-config-test-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const pem = '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----';
    const publicPem = '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n';

    it('reads the private key inline or from a file, relative to where npm was invoked', () => {
      expect(loadServerConfig({ JWT_PRIVATE_KEY: pem }).jwtPrivateKey).toBe(pem);
      writeFileSync(join(dir, 'private.pem'), `${pem}\n`);
      const config = loadServerConfig({ INIT_CWD: dir, JWT_PRIVATE_KEY_FILE: 'private.pem' });
      expect(config.jwtPrivateKey).toBe(pem);
    });

    it('reads the public keys as a JSON object of kid → PEM, inline or from a file', () => {
      const json = JSON.stringify({ '2025-01': publicPem, '2025-07': publicPem });
      const expected = [
        { kid: '2025-01', pem: publicPem },
        { kid: '2025-07', pem: publicPem },
      ];
      expect(
        loadServerConfig({ JWT_PRIVATE_KEY: pem, JWT_PUBLIC_KEYS: json }).jwtPublicKeys,
      ).toEqual(expected);
      writeFileSync(join(dir, 'public-keys.json'), json);
      expect(
        loadServerConfig({
          JWT_PRIVATE_KEY: pem,
          JWT_PUBLIC_KEYS_FILE: join(dir, 'public-keys.json'),
        }).jwtPublicKeys,
      ).toEqual(expected);
    });

    it('reads JWT_SECRET_FILE like JWT_SECRET, without its trailing newline', () => {
      writeFileSync(join(dir, 'secret'), 's'.repeat(40) + '\n');
      expect(loadServerConfig({ JWT_SECRET_FILE: join(dir, 'secret') }).jwtSecret).toBe(
        's'.repeat(40),
      );
    });

    it('refuses what it cannot use, naming the variable', () => {
      const cases: [NodeJS.ProcessEnv, RegExp][] = [
        [
          { JWT_PRIVATE_KEY: pem, JWT_PRIVATE_KEY_FILE: '/x' },
          /JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE/,
        ],
        [{ JWT_PRIVATE_KEY_FILE: join(dir, 'missing.pem') }, /JWT_PRIVATE_KEY_FILE: .*ENOENT/],
        [{ JWT_PUBLIC_KEYS: '{}' }, /needs JWT_PRIVATE_KEY|lists no key/],
        [{ JWT_PRIVATE_KEY: pem, JWT_PUBLIC_KEYS: '{}' }, /JWT_PUBLIC_KEYS lists no key/],
        [{ JWT_PRIVATE_KEY: pem, JWT_PUBLIC_KEYS: 'kid=pem' }, /JWT_PUBLIC_KEYS must be JSON/],
        [
          { JWT_PRIVATE_KEY: pem, JWT_PUBLIC_KEYS: '["a"]' },
          /JWT_PUBLIC_KEYS must be a JSON object/,
        ],
        [{ JWT_PRIVATE_KEY: pem, JWT_PUBLIC_KEYS: '{"a":1}' }, /"a" must be a PEM string/],
        [{ JWT_PUBLIC_KEYS: JSON.stringify({ a: publicPem }) }, /needs JWT_PRIVATE_KEY/],
        [{ JWT_SECRET: 'x'.repeat(40), JWT_SECRET_FILE: '/x' }, /JWT_SECRET or JWT_SECRET_FILE/],
      ];
      for (const [env, message] of cases) {
        expect(() => loadServerConfig(env)).toThrow(ConfigError);
        expect(() => loadServerConfig(env)).toThrow(message);
      }
      writeFileSync(join(dir, 'empty'), '\n');
      expect(() => loadServerConfig({ JWT_SECRET_FILE: join(dir, 'empty') })).toThrow(/is empty/);
    });
  });
});
