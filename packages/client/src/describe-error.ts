import { TRPCClientError } from '@trpc/client';
import { FileTransferError } from './file-transfer-error.js';

/** What a UI needs to show an error, from any thrown value. */
export interface ErrorDetails {
  /** Human-readable; the server's message as is (docs/api.md, "Errors"), or a plain sentence for network trouble. */
  message: string;
  /** The tRPC error code (`BAD_REQUEST`, `UNAUTHORIZED`, …), or null when the server was not reached. */
  code: string | null;
  /** For `BAD_REQUEST`: each input field's messages. */
  fieldErrors: Record<string, string[]> | null;
  /** For `TOO_MANY_REQUESTS`: seconds to wait. */
  retryAfter: number | null;
  /** The HTTP status, when known. */
  httpStatus: number | null;
}

const networkMessage = 'Cannot reach the server. Check your connection; Parley keeps retrying.';

function readData(error: unknown): Record<string, unknown> | null {
  if (!(error instanceof TRPCClientError)) return null;
  const data: unknown = error.data;
  return typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : null;
}

function readFieldErrors(value: unknown): Record<string, string[]> | null {
  if (typeof value !== 'object' || value === null) return null;
  const result: Record<string, string[]> = {};
  for (const [field, messages] of Object.entries(value as Record<string, unknown>)) {
    if (Array.isArray(messages)) {
      result[field] = messages.filter((m): m is string => typeof m === 'string');
    } else if (typeof messages === 'string') {
      result[field] = [messages];
    }
  }
  return result;
}

/** Turns a thrown value (usually a TRPCClientError) into something a UI can show. */
export function describeError(error: unknown): ErrorDetails {
  if (error instanceof FileTransferError && error.code !== null) {
    return {
      message: error.message,
      code: error.code,
      fieldErrors: null,
      retryAfter: error.details.retryAfter ?? null,
      httpStatus: error.status,
    };
  }
  const data = readData(error);
  const code = typeof data?.code === 'string' ? data.code : null;
  const httpStatus = typeof data?.httpStatus === 'number' ? data.httpStatus : null;
  const fieldErrors = readFieldErrors(data?.fieldErrors);
  const retryAfter = typeof data?.retryAfter === 'number' ? data.retryAfter : null;
  if (code === null) {
    // No tRPC error shape: the request never got an answer (fetch failed, socket closed, proxy error page).
    return { message: networkMessage, code: null, fieldErrors: null, retryAfter: null, httpStatus };
  }
  const message = error instanceof Error && error.message ? error.message : 'Something went wrong';
  return { message, code, fieldErrors, retryAfter, httpStatus };
}

/** The tRPC error code of a thrown value, or null (network error, not a tRPC error). */
export function errorCode(error: unknown): string | null {
  return describeError(error).code;
}

/**
 * Errors after which the same request can never succeed: retrying them would loop forever.
 * Everything else (no answer, 5xx, rate limit, an expired token) is worth retrying.
 */
export function isPermanentError(error: unknown): boolean {
  const code = errorCode(error);
  return (
    code === 'BAD_REQUEST' ||
    code === 'FORBIDDEN' ||
    code === 'NOT_FOUND' ||
    code === 'CONFLICT' ||
    code === 'PAYLOAD_TOO_LARGE' ||
    code === 'UNPROCESSABLE_CONTENT' ||
    code === 'PARSE_ERROR' ||
    code === 'METHOD_NOT_SUPPORTED'
  );
}
