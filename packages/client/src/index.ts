export { backoffDelay, defaultBackoff, type BackoffOptions } from './backoff.js';
export type { ConnectionState } from './connection-tracker.js';
export { describeError, type ErrorDetails } from './describe-error.js';
export { memoryStorage, type KeyValueStorage } from './storage.js';
export type { OutboxEntry } from './outbox.js';
