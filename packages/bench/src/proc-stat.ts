/**
 * Parsers for the Linux /proc files the bench reads CPU time from. Pure: the reading is in
 * process-cpu.ts.
 */

export type ProcStat = {
  comm: string;
  state: string;
  ppid: number;
  /** Fields 14 and 15 of /proc/<pid>/stat, in clock ticks (`getconf CLK_TCK`). */
  utimeTicks: number;
  stimeTicks: number;
  /** Field 22: when the process started, in clock ticks after boot. */
  startTicks: number;
};

/**
 * `/proc/<pid>/stat`. The command name (field 2) is in parentheses and may itself contain spaces
 * and parentheses, so the fields are counted from the last `)`.
 */
export function parseProcStat(text: string): ProcStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error('not a /proc/<pid>/stat line');
  // After ")": field 3 (state) is at index 0, so field n is at index n - 3.
  const fields = text
    .slice(close + 2)
    .trim()
    .split(' ');
  const field = (n: number) => {
    const value = Number(fields[n - 3]);
    if (!Number.isFinite(value)) throw new Error(`/proc/<pid>/stat field ${n} is missing`);
    return value;
  };
  return {
    comm: text.slice(open + 1, close),
    state: fields[0] ?? '?',
    ppid: field(4),
    utimeTicks: field(14),
    stimeTicks: field(15),
    startTicks: field(22),
  };
}

/** `/proc/<pid>/schedstat` or `/proc/<pid>/task/<tid>/schedstat`: nanoseconds spent on a CPU. */
export function parseSchedstat(text: string): number {
  const runNs = Number(text.trim().split(/\s+/)[0]);
  if (!Number.isFinite(runNs) || text.trim() === '') throw new Error('not a schedstat line');
  return runNs;
}

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
