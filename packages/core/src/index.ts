export { AccountService, toUser, type ClientMeta } from './account-service.js';
export type { AccessClaims } from './token-service.js';
export {
  AccessTokenKeyError,
  loadAccessTokenKeys,
  type AccessTokenKeys,
  type AccessTokenKeysOptions,
  type PublicKeyPem,
} from './access-token-keys.js';
export { defaultCoreConfig, type CoreConfig } from './core-config.js';
export { createServices, type Services, type ServicesDeps } from './create-services.js';
export { noTelemetry, type DeliveryTelemetry } from './delivery-telemetry.js';
export {
  DomainError,
  outOfStorage,
  type DomainErrorCode,
  type DomainErrorDetails,
} from './domain-error.js';
export { isStorageFull } from '@parley/db';
export type { StorageFailureLog } from './storage-failure-log.js';
export type { TrackedChatEvent } from './event-stream.js';
export type { StreamConnection } from './stream-connection.js';
export type { Logger } from './logger.js';
export { prehashPassword } from './password-hasher.js';
export { FileService, toAttachment, type FileServiceConfig, type Upload } from './file-service.js';
export { INLINE_CONTENT_TYPES, storedContentType } from './file-content-type.js';
export { sanitizeFileName } from './file-name.js';
export { LoadGauge, neverSaturated } from './load-gauge.js';
