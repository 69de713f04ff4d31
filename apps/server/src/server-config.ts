import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type ServerConfig = {
  /** @default 3000 (0 picks a free port) */
  port: number;
  /** @default '127.0.0.1' */
  host: string;
  /** @default './data' */
  dataDir: string;
  /** Unset: SQLite at `<dataDir>/parley.db`. `postgres://…` selects PostgreSQL. */
  databaseUrl: string | null;
  /** Unset: 32 random bytes kept in `<dataDir>/jwt-secret` (mode 0600). */
  jwtSecret: string | null;
  /** Browser origins allowed for CORS and WebSocket upgrades. @default the server's own and app://parley */
  allowedOrigins: string[] | null;
  /** Reverse-proxy hops whose X-Forwarded-For is trusted. @default 0 */
  trustProxy: number;
  /** @default 12 */
  bcryptCost: number;
  /** @default 5 */
  loginMaxFailures: number;
  /** @default 900 */
  loginWindowSeconds: number;
  /** @default 1000 */
  requestsPerMinute: number;
  /** @default 50 */
  signupsPerIpPerHour: number;
  /** @default 'info' */
  logLevel: string;
  /** @default `<dataDir>/logs` */
  logDir: string | null;
  /** Lets clients off loopback read GET /metrics with `Authorization: Bearer <token>`. @default null */
  metricsToken: string | null;
  /** How often the `metrics` log line is written. @default 60000 */
  metricsLogIntervalMs: number;
  /** How often the data volume's free space is checked. @default 60000 */
  diskCheckIntervalMs: number;
  /** Used fraction of the data volume that raises the warning. @default 0.8 */
  diskWarnRatio: number;
  /** The web client's build; served at `/` when it exists. */
  webRoot: string;
  /** A socket whose unsent data passes this is dropped (it resumes from its last event id). @default 8 MiB */
  maxSocketBufferBytes: number;
  /** How long a socket may take to send its connection params. @default 5000 */
  connectionParamsTimeoutMs: number;
  /** A WebSocket that has not authenticated by then is closed: every subscription needs a login. */
  unauthenticatedSocketTimeoutMs: number;
  /** tRPC keep-alive ping after this much quiet; a dead peer is found within ping + pong wait. @default 10000 */
  keepAlivePingMs: number;
  /** @default 10000 */
  keepAlivePongWaitMs: number;
};

/** The renderer's web build inside this repository (apps/desktop), relative to apps/server/dist. */
export const defaultWebRoot = fileURLToPath(new URL('../../desktop/dist/web', import.meta.url));

export class ConfigError extends Error {}

const integer = (
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number => {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}; got "${raw}".`);
  }
  return value;
};

const text = (env: NodeJS.ProcessEnv, name: string): string | null => {
  const raw = env[name]?.trim();
  return raw ? raw : null;
};

/** Reads the environment variables of API.md ("Configuration"); every one is optional. */
export function loadServerConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  // Relative paths are the user's: from the repository root, `npm start` runs this package's script
  // in apps/server, but npm says where it was invoked (INIT_CWD), and ./data means there.
  const base = text(env, 'INIT_CWD') ?? process.cwd();
  const dataDir = resolve(base, text(env, 'DATA_DIR') ?? './data');
  const logDir = text(env, 'LOG_DIR');
  const webRoot = text(env, 'WEB_ROOT');
  const databaseUrl = text(env, 'DATABASE_URL');
  if (databaseUrl !== null && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(
      'DATABASE_URL must be a postgres:// URL (leave it unset for the embedded SQLite).',
    );
  }
  const origins = text(env, 'ALLOWED_ORIGINS');
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: text(env, 'HOST') ?? '127.0.0.1',
    dataDir,
    databaseUrl,
    jwtSecret: text(env, 'JWT_SECRET'),
    allowedOrigins:
      origins === null
        ? null
        : origins
            .split(',')
            .map((origin) => origin.trim())
            .filter(Boolean),
    trustProxy: integer(env, 'TRUST_PROXY', 0, 0, 16),
    bcryptCost: integer(env, 'BCRYPT_COST', 12, 4, 15),
    loginMaxFailures: integer(env, 'LOGIN_MAX_FAILURES', 5, 1, 1000),
    loginWindowSeconds: integer(env, 'LOGIN_WINDOW_SECONDS', 900, 1, 86400),
    requestsPerMinute: integer(env, 'REQUESTS_PER_MINUTE', 1000, 1, 1_000_000),
    signupsPerIpPerHour: integer(env, 'SIGNUPS_PER_IP_PER_HOUR', 50, 1, 1_000_000),
    logLevel: text(env, 'LOG_LEVEL') ?? 'info',
    logDir: logDir === null ? null : resolve(base, logDir),
    metricsToken: text(env, 'METRICS_TOKEN'),
    metricsLogIntervalMs: 60_000,
    diskCheckIntervalMs: 60_000,
    diskWarnRatio: 0.8,
    webRoot: webRoot === null ? defaultWebRoot : resolve(base, webRoot),
    maxSocketBufferBytes: 8 * 1024 * 1024,
    connectionParamsTimeoutMs: 5000,
    unauthenticatedSocketTimeoutMs: 30_000,
    keepAlivePingMs: 10_000,
    keepAlivePongWaitMs: 10_000,
  };
}
