import {
  conversationIdInput,
  markReadInput,
  openConversationInput,
  typingInput,
} from '@parley/protocol';
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

  /** Never stored: shown to the peer on presence.changes (counts towards the request limit). */
  typing: authedProcedure.input(typingInput).mutation(async ({ ctx, input }) => {
    await ctx.services.typing.set(ctx.auth.userId, input.conversationId, input.typing);
    return { ok: true as const };
  }),
});
