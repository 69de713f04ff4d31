import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
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
      logDir: null,
    });
  });

  it('refuses values it cannot use, naming the variable', () => {
    expect(() => loadServerConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadServerConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadServerConfig({ BCRYPT_COST: '3' })).toThrow(/BCRYPT_COST/);
    expect(() => loadServerConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/postgres/);
  });
});
