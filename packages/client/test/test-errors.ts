import { TRPCClientError } from '@trpc/client';

/** A TRPCClientError as the server sends it, for unit tests of error handling. */
export function serverError(
  code: string,
  message: string,
  data: Record<string, unknown> = {},
): Error {
  return new TRPCClientError(message, {
    result: { error: { code: -32600, message, data: { code, httpStatus: 400, ...data } } },
  });
}

/** What a failed fetch looks like to the client: no answer at all. */
export function networkError(): Error {
  return TRPCClientError.from(new TypeError('fetch failed'));
}
