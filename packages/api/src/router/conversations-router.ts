import { conversationIdInput, markReadInput, openConversationInput } from '@parley/protocol';
import { authedProcedure, router } from '../trpc.js';

export const conversationsRouter = router({
  open: authedProcedure
    .input(openConversationInput)
    .mutation(({ ctx, input }) => ctx.services.conversations.open(ctx.auth.userId, input.userId)),

  list: authedProcedure.query(({ ctx }) => ctx.services.conversations.list(ctx.auth.userId)),

  get: authedProcedure
    .input(conversationIdInput)
    .query(({ ctx, input }) =>
      ctx.services.conversations.get(ctx.auth.userId, input.conversationId),
    ),

  markRead: authedProcedure.input(markReadInput).mutation(async ({ ctx, input }) => ({
    unreadCount: await ctx.services.conversations.markRead(
      ctx.auth.userId,
      input.conversationId,
      input.upToMessageId,
    ),
  })),
});
