import { changePasswordInput, deleteAccountInput, updateSettingsInput } from '@parley/protocol';
import { authedProcedure, router } from '../trpc.js';

export const accountRouter = router({
  delete: authedProcedure.input(deleteAccountInput).mutation(async ({ ctx, input }) => {
    await ctx.services.accountDeletion.delete(ctx.auth.userId, input.password, ctx.client);
    return { ok: true as const };
  }),

  settings: authedProcedure.query(({ ctx }) => ctx.services.settings.get(ctx.auth.userId)),

  updateSettings: authedProcedure.input(updateSettingsInput).mutation(({ ctx, input }) =>
    ctx.services.settings.update(ctx.auth.userId, {
      ...(input.readReceipts === undefined ? {} : { readReceipts: input.readReceipts }),
      ...(input.typingIndicators === undefined ? {} : { typingIndicators: input.typingIndicators }),
    }),
  ),

  /** Every other session of the user ends; this one continues with the returned tokens. */
  changePassword: authedProcedure
    .input(changePasswordInput)
    .mutation(({ ctx, input }) =>
      ctx.services.passwordChange.change(
        ctx.auth.userId,
        ctx.auth.sessionId,
        input.currentPassword,
        input.newPassword,
        ctx.client,
      ),
    ),
});
