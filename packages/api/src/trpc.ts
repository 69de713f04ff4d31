import { DomainError } from '@parley/core';
import { TRPCError, initTRPC } from '@trpc/server';
import type { Context } from './context.js';
import { formatError } from './error-formatter.js';

const t = initTRPC.context<Context>().create({
  errorFormatter: formatError,
  isDev: false,
});

/** Domain failures become tRPC errors with the same code; the DomainError stays as the cause. */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof DomainError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: cause.code, message: cause.message, cause });
  }
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(domainErrors);

/** Needs a valid, unrevoked access token; counts towards the caller's per-minute request limit. */
export const authedProcedure = publicProcedure.use(async ({ ctx, next }) => {
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
  await ctx.services.rateLimits.consumeRequest(auth.userId);
  return next({ ctx: { ...ctx, auth } });
});
