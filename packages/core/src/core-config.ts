import { limits } from '@parley/protocol';
import type { AccessTokenKeys } from './access-token-keys.js';

export type CoreConfig = {
  /**
   * The shared secret (at least 32 bytes): the HS256 key of access tokens when no asymmetric keys
   * are set, and always the key refresh tokens are derived from. Every process needs the same one.
   */
  jwtSecret: Uint8Array;
  /** Asymmetric access-token keys (EdDSA or RS256, `kid` in the header). @default null: HS256 */
  accessTokenKeys: AccessTokenKeys | null;
  /** @default 'parley' */
  issuer: string;
  /** @default 'parley-clients' */
  audience: string;
  /** @default 3600 */
  accessTokenTtlSeconds: number;
  /** A session ends after this long without a refresh. @default 30 days */
  sessionIdleSeconds: number;
  /** An exact retry of a used refresh token within this window gets the same answer. @default 30 */
  refreshRetryWindowSeconds: number;
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
  /** First re-push of an unacknowledged message, doubling each time. @default 2000 */
  redeliveryInitialMs: number;
  /** @default 60000 */
  redeliveryMaxMs: number;
  /**
   * How long a process's claim that a user is connected to it lasts without renewal: when a server
   * process dies, its users stop counting as online after at most this (announced at the next
   * heartbeat of a surviving process: lease + heartbeat ≤ 30 s). @default 20000
   */
  presenceLeaseMs: number;
  /** How often a process renews its presence leases and sweeps expired ones. @default 5000 */
  presenceHeartbeatMs: number;
  /** How long after sending its sender may edit a message (EDIT_WINDOW_SECONDS). @default 86400 */
  editWindowSeconds: number;
  /** A peer sees `typing: false` after this long without a renewal. @default 6000 */
  typingExpiryMs: number;
  /** Largest upload (MAX_FILE_BYTES). @default 10 MiB */
  maxFileBytes: number;
  /** Bytes of uploads one user may keep (MAX_USER_STORAGE_BYTES). @default 1 GiB */
  maxUserStorageBytes: number;
  /** An upload not sent within this time is removed. @default 24 h */
  unsentUploadTtlMs: number;
  /** How often unsent uploads past their time are removed (and once at start). @default 1 h */
  fileCleanupIntervalMs: number;
};

export const defaultCoreConfig = (jwtSecret: Uint8Array): CoreConfig => ({
  jwtSecret,
  accessTokenKeys: null,
  issuer: 'parley',
  audience: 'parley-clients',
  accessTokenTtlSeconds: 3600,
  sessionIdleSeconds: 30 * 24 * 3600,
  refreshRetryWindowSeconds: 30,
  bcryptCost: 12,
  loginMaxFailures: 5,
  loginWindowSeconds: 900,
  requestsPerMinute: 1000,
  signupsPerIpPerHour: 50,
  redeliveryInitialMs: 2000,
  redeliveryMaxMs: 60000,
  presenceLeaseMs: 20_000,
  presenceHeartbeatMs: 5_000,
  editWindowSeconds: limits.editWindowSecondsDefault,
  typingExpiryMs: limits.typingExpiryMs,
  maxFileBytes: limits.maxFileBytesDefault,
  maxUserStorageBytes: 1024 * 1024 * 1024,
  unsentUploadTtlMs: 24 * 3600 * 1000,
  fileCleanupIntervalMs: 3600 * 1000,
});
