import type { PasswordRule } from '@parley/protocol';

export type DomainErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'TOO_MANY_REQUESTS'
  | 'PAYLOAD_TOO_LARGE';

export type DomainErrorDetails = {
  /** Input field → human-readable messages. */
  fieldErrors?: Record<string, string[]>;
  /** Names of the password rules that failed. */
  passwordRules?: PasswordRule[];
  /** Seconds to wait before trying again. */
  retryAfter?: number;
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

export const forbidden = () =>
  new DomainError('FORBIDDEN', 'You are not a participant of this conversation.');
export const unauthorized = (message = 'Please log in again.') =>
  new DomainError('UNAUTHORIZED', message);
