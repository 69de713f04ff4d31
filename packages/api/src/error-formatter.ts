import { DomainError } from '@parley/core';
import { limits } from '@parley/protocol';
import type { TRPCError } from '@trpc/server';
import { ZodError, z } from 'zod';

type ErrorShape = {
  message: string;
  code: number;
  data: { code: string; httpStatus: number; path?: string };
};

export type ErrorData = ErrorShape['data'] & {
  fieldErrors?: Record<string, string[]>;
  passwordRules?: string[];
  retryAfter?: number;
};

/** tRPC's own message for an oversized body is just its code. */
const payloadTooLargeMessage = `The request is too large: the limit is ${limits.maxPayloadBytes / 1024} KiB.`;

const firstMessage = (
  fieldErrors: Record<string, string[] | undefined>,
  fallback: string,
): string => {
  for (const [field, messages] of Object.entries(fieldErrors)) {
    if (messages?.[0]) return `${field}: ${messages[0]}`;
  }
  return fallback;
};

/**
 * Readable messages and machine-usable data, never internals: no stack, no SQL, no paths. Unexpected
 * errors keep their details in the server log only.
 */
export function formatError<Shape extends ErrorShape>({
  shape,
  error,
}: {
  shape: Shape;
  error: TRPCError;
}) {
  const data: ErrorData = { code: shape.data.code, httpStatus: shape.data.httpStatus };
  if (shape.data.path !== undefined) data.path = shape.data.path;
  let message = shape.message;
  const cause = error.cause;
  if (cause instanceof ZodError) {
    const flattened = z.flattenError(cause);
    const fieldErrors = Object.fromEntries(
      Object.entries(flattened.fieldErrors as Record<string, string[] | undefined>).flatMap(
        ([field, messages]) => (messages ? [[field, messages]] : []),
      ),
    );
    data.fieldErrors = fieldErrors;
    message = firstMessage(fieldErrors, flattened.formErrors[0] ?? 'Invalid input.');
  } else if (cause instanceof DomainError) {
    if (cause.details.fieldErrors) data.fieldErrors = cause.details.fieldErrors;
    if (cause.details.passwordRules) data.passwordRules = cause.details.passwordRules;
    if (cause.details.retryAfter !== undefined) data.retryAfter = cause.details.retryAfter;
  } else if (error.code === 'PAYLOAD_TOO_LARGE') {
    message = payloadTooLargeMessage;
  } else if (error.code === 'INTERNAL_SERVER_ERROR') {
    message = 'Something went wrong on the server. Please try again.';
  }
  return { ...shape, message, data };
}
