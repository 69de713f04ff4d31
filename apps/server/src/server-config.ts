import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PublicKeyPem } from '@parley/core';
import { limits } from '@parley/protocol';

export type ServerConfig = {
  /** @default 3000 (0 picks a free port) */
  port: number;
  /** @default '127.0.0.1' */
  host: string;
  /** @default './data' */
  dataDir: string;
  /** Unset: SQLite at `<dataDir>/parley.db`. `postgres://…` selects PostgreSQL. */
  databaseUrl: string | null;
  /** Connections each process keeps to PostgreSQL. @default 10 */
  databasePoolSize: number;
  /** PostgreSQL read replicas (`DATABASE_READ_URL`, comma-separated). @default [] */
  databaseReadUrls: string[];
  /** A replica further behind than this is not read from. @default 1000 */
  databaseReadMaxLagMs: number;
  /**
   * `JWT_SECRET` or the contents of `JWT_SECRET_FILE`. Unset: 32 random bytes kept in
   * `<dataDir>/jwt-secret` (mode 0600).
   */
  jwtSecret: string | null;
  /**
   * PEM (PKCS#8) private key that signs access tokens (`JWT_PRIVATE_KEY` or `JWT_PRIVATE_KEY_FILE`):
   * Ed25519 (EdDSA) or RSA (RS256). Unset: access tokens are HS256 with the secret.
   */
  jwtPrivateKey: string | null;
  /**
   * Public keys accepted for access tokens, by kid (`JWT_PUBLIC_KEYS` or `JWT_PUBLIC_KEYS_FILE`,
   * a JSON object `{ "<kid>": "<PEM>" }`). Unset: only the private key's, under its thumbprint.
   */
  jwtPublicKeys: PublicKeyPem[] | null;
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
  /** How long after sending its sender may edit a message (EDIT_WINDOW_SECONDS). @default 86400 */
  editWindowSeconds: number;
  /** Largest upload, `MAX_FILE_BYTES`. @default 10 MiB */
  maxFileBytes: number;
  /** Bytes of uploads one user may keep, `MAX_USER_STORAGE_BYTES`. @default 1 GiB */
  maxUserStorageBytes: number;
  /** An upload not sent within this time is removed. @default 24 h */
  unsentUploadTtlMs: number;
  /** How often unsent uploads past their time are removed (and once at start). @default 1 h */
  fileCleanupIntervalMs: number;
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
  /**
   * WebSocket ping after this much quiet (`KEEP_ALIVE_PING_MS`); a dead peer is found within ping +
   * pong wait (+ 4 s). Above the client library's own ping (25 s), so its clients are never pinged.
   * @default 30000
   */
  keepAlivePingMs: number;
  /** How long a ping may go unanswered (`KEEP_ALIVE_PONG_WAIT_MS`). @default 10000 */
  keepAlivePongWaitMs: number;
  /**
   * SQLite commits at most this often while several clients write at once
   * (`SQLITE_COMMIT_INTERVAL_MS`); a lone writer's writes commit at once. 0 commits every tick.
   * @default 4
   */
  sqliteCommitIntervalMs: number;
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

/**
 * A value given either inline (`NAME`) or as a file (`NAME_FILE`, e.g. a container secret), for
 * values that are awkward in an environment variable (PEM keys) or should not be in one.
 */
const textOrFile = (env: NodeJS.ProcessEnv, name: string, base: string): string | null => {
  const inline = text(env, name);
  const path = text(env, `${name}_FILE`);
  if (path === null) return inline;
  if (inline !== null) throw new ConfigError(`Set ${name} or ${name}_FILE, not both.`);
  let contents: string;
  try {
    contents = readFileSync(resolve(base, path), 'utf8').trim();
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(`${name}_FILE: cannot read ${path} (${reason}).`);
  }
  if (contents === '') throw new ConfigError(`${name}_FILE: ${path} is empty.`);
  return contents;
};

const POSTGRES_URL = /^postgres(ql)?:\/\/./;

/** `{ "<kid>": "<PEM>", … }`: the shape only; the keys themselves are read at start. */
function publicKeyList(json: string | null): PublicKeyPem[] | null {
  if (json === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new ConfigError('JWT_PUBLIC_KEYS must be JSON: { "<kid>": "<PEM public key>", … }.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(
      'JWT_PUBLIC_KEYS must be a JSON object: { "<kid>": "<PEM public key>", … }.',
    );
  }
  const entries = Object.entries(parsed);
  if (entries.length === 0) throw new ConfigError('JWT_PUBLIC_KEYS lists no key.');
  return entries.map(([kid, pem]) => {
    if (typeof pem !== 'string') {
      throw new ConfigError(`JWT_PUBLIC_KEYS: the value of "${kid}" must be a PEM string.`);
    }
    return { kid, pem };
  });
}

function readUrls(raw: string | null, primary: string | null): string[] {
  if (raw === null) return [];
  const urls = raw
    .split(',')
    .map((url) => url.trim())
    .filter(Boolean);
  urls.forEach((url, index) => {
    // The URL itself is not repeated: it may hold a password.
    if (!POSTGRES_URL.test(url)) {
      throw new ConfigError(`DATABASE_READ_URL: entry ${index + 1} is not a postgres:// URL.`);
    }
  });
  if (urls.length > 0 && primary === null) {
    throw new ConfigError('DATABASE_READ_URL needs DATABASE_URL (the primary) as well.');
  }
  return urls;
}

/** Reads the environment variables of docs/api.md ("Configuration"); every one is optional. */
export function loadServerConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  // Relative paths are the user's: from the repository root, `npm start` runs this package's script
  // in apps/server, but npm says where it was invoked (INIT_CWD), and ./data means there.
  const base = text(env, 'INIT_CWD') ?? process.cwd();
  const dataDir = resolve(base, text(env, 'DATA_DIR') ?? './data');
  const logDir = text(env, 'LOG_DIR');
  const webRoot = text(env, 'WEB_ROOT');
  const databaseUrl = text(env, 'DATABASE_URL');
  if (databaseUrl !== null && !POSTGRES_URL.test(databaseUrl)) {
    throw new ConfigError(
      'DATABASE_URL must be a postgres:// URL (leave it unset for the embedded SQLite).',
    );
  }
  const origins = text(env, 'ALLOWED_ORIGINS');
  const jwtPrivateKey = textOrFile(env, 'JWT_PRIVATE_KEY', base);
  const jwtPublicKeys = publicKeyList(textOrFile(env, 'JWT_PUBLIC_KEYS', base));
  if (jwtPublicKeys !== null && jwtPrivateKey === null) {
    throw new ConfigError(
      'JWT_PUBLIC_KEYS needs JWT_PRIVATE_KEY (the key new tokens are signed with).',
    );
  }
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: text(env, 'HOST') ?? '127.0.0.1',
    dataDir,
    databaseUrl,
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 1, 1000),
    databaseReadUrls: readUrls(text(env, 'DATABASE_READ_URL'), databaseUrl),
    databaseReadMaxLagMs: integer(env, 'DATABASE_READ_MAX_LAG_MS', 1000, 0, 3_600_000),
    jwtSecret: textOrFile(env, 'JWT_SECRET', base),
    jwtPrivateKey,
    jwtPublicKeys,
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
    editWindowSeconds: integer(
      env,
      'EDIT_WINDOW_SECONDS',
      limits.editWindowSecondsDefault,
      0,
      10 * 365 * 86400,
    ),
    maxFileBytes: integer(env, 'MAX_FILE_BYTES', limits.maxFileBytesDefault, 1, 2 ** 40),
    maxUserStorageBytes: integer(env, 'MAX_USER_STORAGE_BYTES', 2 ** 30, 0, 2 ** 50),
    unsentUploadTtlMs: 24 * 3600 * 1000,
    fileCleanupIntervalMs: 3600 * 1000,
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
    keepAlivePingMs: integer(env, 'KEEP_ALIVE_PING_MS', 30_000, 1000, 3_600_000),
    keepAlivePongWaitMs: integer(env, 'KEEP_ALIVE_PONG_WAIT_MS', 10_000, 1000, 600_000),
    sqliteCommitIntervalMs: integer(env, 'SQLITE_COMMIT_INTERVAL_MS', 4, 0, 100),
  };
}
