import type { AppRouter } from '@parley/api';
import { TRPCClientError, type TRPCLink } from '@trpc/client';
import { observable, type Unsubscribable } from '@trpc/server/observable';
import type { AuthSession } from './auth-session.js';

/** Procedures that work without an access token (docs/api.md, "Authentication"). */
export const publicPaths: ReadonlySet<string> = new Set([
  'auth.register',
  'auth.login',
  'auth.refresh',
]);

/** Where the auth link leaves the access token for the HTTP links' `headers`. */
export const accessTokenContextKey = 'parleyAccessToken';

/**
 * The server refused the access token. An UNAUTHORIZED that names fields is an answer about what was typed
 * (`account.changePassword` with a wrong current password): refreshing and retrying would only send the wrong
 * password again, counting a second failed login.
 */
const isTokenRefused = (error: unknown): boolean => {
  if (!(error instanceof TRPCClientError)) return false;
  const data: unknown = error.data;
  if (typeof data !== 'object' || data === null) return false;
  const { code, fieldErrors } = data as { code?: unknown; fieldErrors?: unknown };
  return code === 'UNAUTHORIZED' && (fieldErrors === undefined || fieldErrors === null);
};

/**
 * Puts a fresh access token on every HTTP query and mutation (refreshing first when it is about to expire), and
 * when the server still answers UNAUTHORIZED, refreshes once (single-flight across all requests) and retries once.
 */
export function authLink(session: AuthSession): TRPCLink<AppRouter> {
  return () =>
    ({ op, next }) => {
      if (op.type === 'subscription' || publicPaths.has(op.path)) return next(op);
      return observable((observer) => {
        let inner: Unsubscribable | null = null;
        let stopped = false;
        const fail = (error: unknown) =>
          observer.error(
            error instanceof TRPCClientError
              ? (error as TRPCClientError<AppRouter>)
              : TRPCClientError.from(error instanceof Error ? error : new Error(String(error))),
          );
        const attempt = async (retried: boolean): Promise<void> => {
          const token = await session.accessToken();
          if (stopped) return;
          inner = next({
            ...op,
            context: { ...op.context, [accessTokenContextKey]: token },
          }).subscribe({
            next: (value) => observer.next(value),
            complete: () => observer.complete(),
            error: (error) => {
              if (retried || token === null || !isTokenRefused(error)) {
                observer.error(error);
                return;
              }
              // Another request may have refreshed already; then this retries with its token.
              session
                .rejected(token)
                .then(() => attempt(true))
                .catch(() => observer.error(error));
            },
          });
        };
        attempt(false).catch(fail);
        return () => {
          stopped = true;
          inner?.unsubscribe();
        };
      });
    };
}
