import { deleteAccountInput } from '@parley/protocol';
import { authedProcedure, router } from '../trpc.js';

export const accountRouter = router({
  delete: authedProcedure.input(deleteAccountInput).mutation(async ({ ctx, input }) => {
    await ctx.services.accountDeletion.delete(ctx.auth.userId, input.password, ctx.client);
    return { ok: true as const };
  }),
});
