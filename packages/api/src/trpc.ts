import { DomainError, isStorageFull, outOfStorage } from '@parley/core';
import { TRPCError, initTRPC } from '@trpc/server';
import type { Context } from './context.js';
import { formatError } from './error-formatter.js';

const t = initTRPC.context<Context>().create({
  errorFormatter: formatError,
  isDev: false,
});

/** A domain failure as the tRPC error with the same code; the DomainError stays as the cause. */
const fromDomainError = (cause: DomainError) =>
  new TRPCError({ code: cause.code, message: cause.message, cause });

/**
 * Rethrows a domain failure that a procedure (or a later middleware) ended with. A write that
 * failed on a full disk becomes SERVICE_UNAVAILABLE with a message that says so (the service may
 * already have said it more precisely), logged at most once a minute rather than per call.
 */
const asTrpcError = <T extends { ok: boolean }>(result: T, ctx: Context, path: string): T => {
  if (!result.ok && 'error' in result && result.error instanceof TRPCError) {
    const cause = result.error.cause;
    if (cause instanceof DomainError) throw fromDomainError(cause);
    if (isStorageFull(cause)) {
      ctx.services.storageFailures.report(cause, { path });
      throw fromDomainError(outOfStorage());
    }
  }
  return result;
};

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(async ({ ctx, path, next }) =>
  asTrpcError(await next(), ctx, path),
);

/**
 * Needs a valid, unrevoked access token; counts towards the caller's per-minute request limit.
 * One middleware, not a chain: tRPC copies its options and context at every step of a chain.
 */
export const authedProcedure = t.procedure.use(async ({ ctx, path, next }) => {
  const auth = ctx.auth;
  if (!auth) {
    throw new TRPCError({ code: 'UNAUTHORIZED', message: ctx.authError ?? 'Please log in.' });
  }
  if (ctx.services.authenticator.isRevoked(auth.sessionId) || Date.now() >= auth.expiresAt) {
    throw new TRPCError({
      code: 'UNAUTHORIZED',
      message: 'Your session has ended. Please log in again.',
    });
  }
  await ctx.services.rateLimits.consumeRequest(auth.userId).catch((error: unknown) => {
    throw error instanceof DomainError ? fromDomainError(error) : error;
  });
  return asTrpcError(await next({ ctx: { auth } }), ctx, path);
});
