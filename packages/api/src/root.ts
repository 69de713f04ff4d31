import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { accountRouter } from './router/account-router.js';
import { authRouter } from './router/auth-router.js';
import { conversationsRouter } from './router/conversations-router.js';
import { messagesRouter } from './router/messages-router.js';
import { presenceRouter } from './router/presence-router.js';
import { usersRouter } from './router/users-router.js';
import { router } from './trpc.js';

export const appRouter = router({
  auth: authRouter,
  account: accountRouter,
  users: usersRouter,
  conversations: conversationsRouter,
  messages: messagesRouter,
  presence: presenceRouter,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
