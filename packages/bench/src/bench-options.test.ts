import { describe, expect, it } from 'vitest';
import { DEFAULT_POSTGRES_URL, parseBenchOptions } from './bench-options.js';

const parse = (args: string[], env: NodeJS.ProcessEnv = {}) => parseBenchOptions(args, '/out', env);

describe('parseBenchOptions', () => {
  it('runs the files phase only with --files: 500 msg/s and 20 uploaders unless told', () => {
    expect(parse(['--quick'])).toMatchObject({ files: false });
    expect(parse(['--quick', '--files'])).toMatchObject({
      files: true,
      filesRate: 500,
      fileUploaders: 20,
      filesSeconds: 10,
    });
    expect(parse(['--files', '--files-rate', '800', '--file-uploaders=5'])).toMatchObject({
      filesRate: 800,
      fileUploaders: 5,
      filesSeconds: 30,
    });
    expect(() => parse(['--file-uploaders', '0'])).toThrow('--file-uploaders');
  });

  it('runs on SQLite in one process by default', () => {
    expect(parse(['--quick'])).toMatchObject({
      postgres: null,
      processes: 1,
      idleSeconds: 5,
      budgetSeconds: 110,
    });
    expect(parse(['--quick', '--postgres'])).toMatchObject({
      budgetSeconds: 170,
      seedMessages: 20_000,
    });
  });

  it('takes --postgres alone, with a URL, or with the URL inline; the environment sets the default', () => {
    expect(parse(['--postgres', '--quick']).postgres).toBe(DEFAULT_POSTGRES_URL);
    expect(parse(['--postgres'], { PARLEY_BENCH_DATABASE_URL: 'postgres://a@h/b' }).postgres).toBe(
      'postgres://a@h/b',
    );
    expect(parse(['--postgres', 'postgresql://u@db:5433/x', '--quick']).postgres).toBe(
      'postgresql://u@db:5433/x',
    );
    expect(parse(['--postgres=postgres://u@db/x']).postgres).toBe('postgres://u@db/x');
  });

  it('refuses a URL that is not PostgreSQL, and several processes without PostgreSQL', () => {
    expect(() => parse(['--postgres', 'mysql://x/y'])).toThrow(/postgres:\/\//);
    expect(() => parse(['--processes', '2'])).toThrow(/needs --postgres/);
    expect(parse(['--postgres', '--processes', '3']).processes).toBe(3);
    expect(() => parse(['--postgres', '--processes', '0'])).toThrow(/--processes/);
  });

  it('passes node flags to the server processes with --server-flags, and nothing else', () => {
    expect(parse([]).serverFlags).toEqual([]);
    expect(parse(['--server-flags', '--max-semi-space-size=32  --trace-gc']).serverFlags).toEqual([
      '--max-semi-space-size=32',
      '--trace-gc',
    ]);
    expect(parse(['--server-flags=--max-semi-space-size=64']).serverFlags).toEqual([
      '--max-semi-space-size=64',
    ]);
    expect(() => parse(['--server-flags', '--inspect evil.js'])).toThrow(/not "evil.js"/);
  });
});
