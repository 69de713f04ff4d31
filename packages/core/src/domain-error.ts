import type { PasswordRule } from '@parley/protocol';

export type DomainErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'TOO_MANY_REQUESTS'
  | 'PAYLOAD_TOO_LARGE'
  /** The server cannot store anything right now (its disk is full); try again later. */
  | 'SERVICE_UNAVAILABLE';

export type DomainErrorDetails = {
  /** Input field → human-readable messages. */
  fieldErrors?: Record<string, string[]>;
  /** Names of the password rules that failed. */
  passwordRules?: PasswordRule[];
  /** Seconds to wait before trying again. */
  retryAfter?: number;
  /** Which limit refused an upload (PAYLOAD_TOO_LARGE), and its size in bytes. */
  limit?: 'file-size' | 'storage-quota';
  limitBytes?: number;
};

/** A failure the caller can act on; its message is safe to show as is. */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details: DomainErrorDetails = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** A write that failed because the server's storage is full, as the caller should read it. */
export const outOfStorage = (
  message = 'The server is out of storage space; this change was not saved. Try again later.',
) => new DomainError('SERVICE_UNAVAILABLE', message);

export const forbidden = () =>
  new DomainError('FORBIDDEN', 'You are not a participant of this conversation.');
export const unauthorized = (message = 'Please log in again.') =>
  new DomainError('UNAUTHORIZED', message);
