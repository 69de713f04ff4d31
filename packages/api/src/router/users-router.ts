import { userSearchInput } from '@parley/protocol';
import { authedProcedure, router } from '../trpc.js';

export const usersRouter = router({
  search: authedProcedure
    .input(userSearchInput)
    .query(({ ctx, input }) =>
      ctx.services.users.search(ctx.auth.userId, input.query, input.limit),
    ),
});
