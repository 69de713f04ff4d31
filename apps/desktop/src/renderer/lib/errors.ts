/** What a form needs from a failed call: the server's message, its code and per-field messages. */
export interface ErrorInfo {
  message: string;
  code: string | null;
  fieldErrors: Record<string, string[]>;
  retryAfter: number | null;
}

const networkMessage = 'Cannot reach the server. Check your connection and try again.';

/** Reads a TRPCClientError (or anything thrown) structurally: `error.data.{code,fieldErrors,retryAfter}`. */
export function errorInfo(error: unknown): ErrorInfo {
  const data: unknown =
    typeof error === 'object' && error !== null ? (error as { data?: unknown }).data : null;
  const record = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
  const code = typeof record.code === 'string' ? record.code : null;
  const fieldErrors: Record<string, string[]> = {};
  if (typeof record.fieldErrors === 'object' && record.fieldErrors !== null) {
    for (const [field, value] of Object.entries(record.fieldErrors as Record<string, unknown>)) {
      const messages = Array.isArray(value) ? value : [value];
      fieldErrors[field] = messages.filter((m): m is string => typeof m === 'string');
    }
  }
  const retryAfter = typeof record.retryAfter === 'number' ? record.retryAfter : null;
  if (code === null) return { message: networkMessage, code, fieldErrors, retryAfter };
  const message = error instanceof Error && error.message ? error.message : 'Something went wrong.';
  return { message, code, fieldErrors, retryAfter };
}
