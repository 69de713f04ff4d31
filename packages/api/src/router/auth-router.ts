import { loginInput, refreshInput, registerInput, revokeSessionInput } from '@parley/protocol';
import { authedProcedure, publicProcedure, router } from '../trpc.js';

export const authRouter = router({
  register: publicProcedure
    .input(registerInput)
    .mutation(({ ctx, input }) =>
      ctx.services.accounts.register(input.username, input.password, ctx.client),
    ),

  login: publicProcedure
    .input(loginInput)
    .mutation(({ ctx, input }) =>
      ctx.services.accounts.login(input.username, input.password, ctx.client),
    ),

  refresh: publicProcedure
    .input(refreshInput)
    .mutation(({ ctx, input }) => ctx.services.accounts.refresh(input.refreshToken, ctx.client)),

  logout: authedProcedure.mutation(async ({ ctx }) => {
    await ctx.services.accounts.logout(ctx.auth.userId, ctx.auth.sessionId);
    return { ok: true as const };
  }),

  me: authedProcedure.query(({ ctx }) => ctx.services.accounts.me(ctx.auth.userId)),

  sessions: authedProcedure.query(({ ctx }) =>
    ctx.services.accounts.sessions(ctx.auth.userId, ctx.auth.sessionId),
  ),

  revokeSession: authedProcedure.input(revokeSessionInput).mutation(async ({ ctx, input }) => {
    await ctx.services.accounts.revokeSession(ctx.auth.userId, input.sessionId);
    return { ok: true as const };
  }),
});
