/**
 * Parsers for telling PostgreSQL's processes apart (which cluster, which database). Pure: the
 * reading is in process-cpu.ts.
 */

export type PostgresProcess =
  | { kind: 'postmaster' }
  | { kind: 'backend'; user: string; database: string }
  | { kind: 'background'; name: string };

/**
 * What a PostgreSQL process is, from its `/proc/<pid>/cmdline` (NUL-separated; a server process
 * sets it to its title, `update_process_title` being on by default):
 *   `/usr/lib/postgresql/15/bin/postgres -D …`                   the postmaster
 *   `postgres: 15/main: postgres mydb 127.0.0.1(5432) idle`      a client backend (`15/main: ` is
 *                                                               the optional cluster_name)
 *   `postgres: 15/main: walwriter`                               a background process
 * Null for anything else.
 */
export function parsePostgresCmdline(cmdline: string): PostgresProcess | null {
  const text = cmdline.replace(/\0+$/, '').replace(/\0/g, ' ').trim();
  if (!text.startsWith('postgres: ')) {
    const program = text.split(' ')[0] ?? '';
    return /(^|\/)(postgres|postmaster)$/.test(program) ? { kind: 'postmaster' } : null;
  }
  let title = text.slice('postgres: '.length);
  // A cluster name ends with ": "; no user, database or background title contains one.
  const cluster = /^[^ ]+: /.exec(title);
  if (cluster) title = title.slice(cluster[0].length);
  const words = title.split(' ');
  const client = words[2] ?? '';
  if (words.length >= 3 && (/^\S+\(\d+\)$/.test(client) || client === '[local]')) {
    return { kind: 'backend', user: words[0]!, database: words[1]! };
  }
  return { kind: 'background', name: title };
}

/** The database name of a `postgres://…/name?…` URL. */
export function databaseNameOf(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (name === '') throw new Error('the database URL names no database');
  return name;
}

/** The data directory a postmaster was started with (`-D dir` in its cmdline), null if not given. */
export function dataDirectoryOf(cmdline: string): string | null {
  const args = cmdline.replace(/\0+$/, '').split('\0');
  const index = args.indexOf('-D');
  if (index >= 0) return args[index + 1] ?? null;
  return args.find((arg) => arg.startsWith('-D'))?.slice(2) || null;
}

/** The TCP port in a data directory's `postmaster.pid` (its 4th line), null if absent. */
export function portOfPostmasterPid(text: string): number | null {
  const port = Number(text.split('\n')[3]);
  return Number.isInteger(port) && port > 0 ? port : null;
}

/** The port of a `postgres://` URL (5432 when it names none). */
export function portOf(url: string): number {
  return Number(new URL(url).port || 5432);
}
