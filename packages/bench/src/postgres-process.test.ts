import { describe, expect, it } from 'vitest';
import {
  dataDirectoryOf,
  databaseNameOf,
  parsePostgresCmdline,
  portOf,
  portOfPostmasterPid,
} from './postgres-process.js';

const postmaster = [
  '/usr/lib/postgresql/15/bin/postgres',
  '-D',
  '/var/lib/postgresql/15/main',
  '-c',
  'config_file=/etc/postgresql/15/main/postgresql.conf',
  '',
].join('\0');

describe('parsePostgresCmdline', () => {
  const nul = (text: string) => `${text}${'\0'.repeat(20)}`;

  it('tells the postmaster, client backends and background processes apart', () => {
    expect(parsePostgresCmdline(postmaster)).toEqual({ kind: 'postmaster' });
    expect(
      parsePostgresCmdline(nul('postgres: 15/main: postgres parley_bench_x 127.0.0.1(53422) idle')),
    ).toEqual({ kind: 'backend', user: 'postgres', database: 'parley_bench_x' });
    expect(parsePostgresCmdline(nul('postgres: app mydb [local] INSERT'))).toEqual({
      kind: 'backend',
      user: 'app',
      database: 'mydb',
    });
    expect(parsePostgresCmdline(nul('postgres: 15/main: checkpointer '))).toEqual({
      kind: 'background',
      name: 'checkpointer',
    });
    expect(parsePostgresCmdline(nul('postgres: autovacuum worker mydb'))).toEqual({
      kind: 'background',
      name: 'autovacuum worker mydb',
    });
  });

  it('ignores other programs', () => {
    expect(parsePostgresCmdline('node\0dist/main.js\0')).toBeNull();
    expect(parsePostgresCmdline(['psql', '-h', '127.0.0.1', ''].join('\0'))).toBeNull();
    expect(parsePostgresCmdline('')).toBeNull();
  });
});

describe('databaseNameOf', () => {
  it('is the path of the URL', () => {
    expect(databaseNameOf('postgres://postgres@127.0.0.1:5432/bench_1?sslmode=disable')).toBe(
      'bench_1',
    );
    expect(() => databaseNameOf('postgres://127.0.0.1:5432')).toThrow(/no database/);
  });
});

describe('which cluster', () => {
  it('reads the data directory from the cmdline and the port from postmaster.pid', () => {
    expect(dataDirectoryOf(postmaster)).toBe('/var/lib/postgresql/15/main');
    expect(dataDirectoryOf(['postgres', '-D/tmp/x', ''].join('\0'))).toBe('/tmp/x');
    expect(dataDirectoryOf(['postgres', '-c', 'port=1', ''].join('\0'))).toBeNull();
    expect(
      portOfPostmasterPid(
        '2192\n/var/lib/postgresql/15/main\n1795958641\n5432\n/var/run/postgresql\n127.0.0.1\n',
      ),
    ).toBe(5432);
    expect(portOfPostmasterPid('2192\n/x\n')).toBeNull();
    expect(portOf('postgres://postgres@127.0.0.1:5433/x')).toBe(5433);
    expect(portOf('postgres://postgres@127.0.0.1/x')).toBe(5432);
  });
});
