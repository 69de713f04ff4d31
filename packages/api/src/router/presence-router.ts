import { authedProcedure, router } from '../trpc.js';

export const presenceRouter = router({
  changes: authedProcedure.subscription(async function* ({ ctx, signal }) {
    yield* ctx.services.presenceStream.stream(
      ctx.auth.userId,
      signal ?? new AbortController().signal,
    );
  }),
});
