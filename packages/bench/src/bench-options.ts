export type BenchOptions = {
  quick: boolean;
  /** Connections held (users). */
  users: number;
  /** Connection ramp: new connections per second. */
  rampRate: number;
  /** Steady load, messages per second. */
  rate: number;
  durationSeconds: number;
  ceilingStepSeconds: number;
  ceilingMaxSteps: number;
  stormLogins: number;
  stormCost: number;
  seedUsers: number;
  seedMessages: number;
  queries: number;
  cpuProf: boolean;
  /**
   * Extra node flags for the server processes (--server-flags "--max-semi-space-size=32 …"),
   * after the ones the server ships with, so they take precedence.
   */
  serverFlags: string[];
  /** Phases to leave out: storm, ceiling, seed, relay (for profiling one phase). */
  skip: string[];
  outDir: string;
  /** Whole-run budget: phases that would not fit are skipped with a note. */
  budgetSeconds: number;
  /** Seconds with every user connected and no traffic, for the idle CPU figure (0: skipped). */
  idleSeconds: number;
  /**
   * PostgreSQL base URL (--postgres [URL]): each server group gets a fresh database created from
   * it and dropped afterwards. Null: SQLite.
   */
  postgres: string | null;
  /** Server processes sharing the database (--processes N, PostgreSQL only). */
  processes: number;
  /**
   * The files phase (--files): 10 MiB upload and download throughput, and delivery at
   * `filesRate` msg/s without and with `fileUploaders` concurrent uploads.
   */
  files: boolean;
  filesRate: number;
  fileUploaders: number;
  /** Seconds of each of the files phase's two delivery runs. */
  filesSeconds: number;
};

export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** `--postgres` alone, `--postgres URL` or `--postgres=URL`; the URL defaults to the environment's. */
function postgresUrl(args: string[], env: NodeJS.ProcessEnv): string | null {
  const inline = args.find((arg) => arg.startsWith('--postgres='));
  if (inline !== undefined) return inline.slice('--postgres='.length);
  const index = args.indexOf('--postgres');
  if (index < 0) return null;
  const next = args[index + 1];
  if (next !== undefined && !next.startsWith('--')) return next;
  return env.PARLEY_BENCH_DATABASE_URL ?? DEFAULT_POSTGRES_URL;
}

const value = (args: string[], name: string): string | undefined => {
  const index = args.indexOf(`--${name}`);
  if (index >= 0) return args[index + 1];
  const inline = args.find((arg) => arg.startsWith(`--${name}=`));
  return inline?.slice(name.length + 3);
};

const number = (args: string[], name: string, fallback: number, min: number, max: number) => {
  const raw = value(args, name);
  if (raw === undefined) return fallback;
  const parsed = Number(raw);
  if (!Number.isFinite(parsed) || parsed < min || parsed > max) {
    throw new Error(`--${name} must be a number from ${min} to ${max}`);
  }
  return parsed;
};

/** Node flags only: each word must start with `--`. */
function serverFlags(args: string[]): string[] {
  const flags = (value(args, 'server-flags') ?? '').split(/\s+/).filter(Boolean);
  const notAFlag = flags.find((flag) => !flag.startsWith('--'));
  if (notAFlag !== undefined) {
    throw new Error(`--server-flags takes node flags (each starting with --), not "${notAFlag}"`);
  }
  return flags;
}

/** `npm run bench -- [--quick] [--users N] [--rate R] [--duration S] …`; every loop is bounded by these. */
export function parseBenchOptions(
  args: string[],
  defaultOutDir: string,
  env: NodeJS.ProcessEnv = {},
): BenchOptions {
  const quick = args.includes('--quick');
  const postgres = postgresUrl(args, env);
  if (postgres !== null && !/^postgres(ql)?:\/\//.test(postgres)) {
    throw new Error('--postgres takes a postgres:// URL');
  }
  const processes = number(args, 'processes', 1, 1, 16);
  if (processes > 1 && postgres === null) {
    throw new Error(
      '--processes needs --postgres: several processes share one PostgreSQL database',
    );
  }
  return {
    quick,
    users: number(args, 'users', quick ? 1000 : 10_000, 2, 15_000),
    rampRate: number(args, 'ramp-rate', 500, 10, 20_000),
    rate: number(args, 'rate', 2000, 1, 100_000),
    durationSeconds: number(args, 'duration', quick ? 5 : 30, 1, 600),
    ceilingStepSeconds: number(args, 'ceiling-step', quick ? 3 : 10, 1, 120),
    ceilingMaxSteps: number(args, 'ceiling-steps', quick ? 3 : 7, 1, 12),
    stormLogins: number(args, 'storm', 50, 1, 500),
    stormCost: number(args, 'storm-cost', 12, 4, 15),
    // Seeding PostgreSQL is ~16× slower: the quick run seeds less there to fit its budget.
    seedUsers: number(args, 'seed-users', quick ? (postgres ? 2000 : 5000) : 100_000, 4, 1_000_000),
    seedMessages: number(
      args,
      'seed-messages',
      quick ? (postgres ? 20_000 : 50_000) : 1_000_000,
      10,
      10_000_000,
    ),
    queries: number(args, 'queries', quick ? 100 : 1000, 1, 100_000),
    cpuProf: args.includes('--cpu-prof'),
    serverFlags: serverFlags(args),
    skip: (value(args, 'skip') ?? '').split(',').filter(Boolean),
    outDir: value(args, 'out') ?? defaultOutDir,
    // PostgreSQL registers, seeds and stops more slowly: its quick run gets a minute more.
    budgetSeconds: number(
      args,
      'budget',
      quick ? (postgres === null ? 110 : 170) : 3600,
      10,
      86_400,
    ),
    idleSeconds: number(args, 'idle', quick ? 5 : 10, 0, 600),
    postgres,
    processes,
    files: args.includes('--files'),
    filesRate: number(args, 'files-rate', 500, 1, 100_000),
    fileUploaders: number(args, 'file-uploaders', 20, 1, 200),
    filesSeconds: number(args, 'files-duration', quick ? 10 : 30, 1, 600),
  };
}
