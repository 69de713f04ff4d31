export { appRouter, type AppRouter, type RouterInputs, type RouterOutputs } from './root.js';
export { createContext, type Context, type CreateContextOptions } from './context.js';
export type { ErrorData } from './error-formatter.js';
