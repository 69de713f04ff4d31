import {
  ackInput,
  deleteMessageInput,
  editMessageInput,
  eventsInput,
  historyInput,
  messageSearchInput,
  sendMessageInput,
} from '@parley/protocol';
import { tracked } from '@trpc/server';
import { authedProcedure, router } from '../trpc.js';

export const messagesRouter = router({
  send: authedProcedure
    .input(sendMessageInput)
    .mutation(({ ctx, input }) =>
      ctx.services.messages.send(
        ctx.auth.userId,
        input.conversationId,
        input.clientId,
        input.body,
        ctx.connection,
        { replyToId: input.replyToId ?? null, fileId: input.fileId ?? null },
      ),
    ),

  edit: authedProcedure
    .input(editMessageInput)
    .mutation(({ ctx, input }) =>
      ctx.services.messages.edit(ctx.auth.userId, input.messageId, input.body, ctx.connection),
    ),

  delete: authedProcedure.input(deleteMessageInput).mutation(async ({ ctx, input }) => {
    await ctx.services.messages.delete(ctx.auth.userId, input.messageId, ctx.connection);
    return { ok: true as const };
  }),

  history: authedProcedure
    .input(historyInput)
    .query(({ ctx, input }) =>
      ctx.services.messages.history(
        ctx.auth.userId,
        input.conversationId,
        input.before ?? null,
        input.limit,
      ),
    ),

  ack: authedProcedure.input(ackInput).mutation(async ({ ctx, input }) => ({
    delivered: await ctx.services.messages.ack(ctx.auth.userId, input.messageIds),
  })),

  search: authedProcedure
    .input(messageSearchInput)
    .query(({ ctx, input }) =>
      ctx.services.search.search(
        ctx.auth.userId,
        input.query,
        input.conversationId ?? null,
        input.before ?? null,
        input.limit,
      ),
    ),

  /** Tracked: a reconnecting wsLink resumes with the last event id it saw. */
  events: authedProcedure.input(eventsInput).subscription(async function* ({ ctx, input, signal }) {
    const stream = ctx.services.events.stream(
      ctx.auth.userId,
      input?.lastEventId ?? null,
      signal ?? new AbortController().signal,
      ctx.connection,
    );
    for await (const { id, event } of stream) yield tracked(id, event);
  }),
});
