import type { TRPCLink } from '@trpc/client';
import type { AnyTRPCRouter } from '@trpc/server';
import { observable } from '@trpc/server/observable';

/**
 * Gives every query and mutation at most `timeoutMs` to be answered. Without it, a request on a half-open
 * connection (laptop lid closed, Wi-Fi gone) could wait forever and stall the outbox or the acks; with it, the
 * request fails like any network error and is retried.
 */
export function timeoutLink<TRouter extends AnyTRPCRouter>(timeoutMs: number): TRPCLink<TRouter> {
  return () =>
    ({ op, next }) => {
      if (op.type === 'subscription' || !(timeoutMs > 0)) return next(op);
      return observable((observer) => {
        const controller = new AbortController();
        const outer = op.signal;
        const onAbort = () => controller.abort(outer?.reason);
        if (outer?.aborted) controller.abort(outer.reason);
        else outer?.addEventListener('abort', onAbort, { once: true });
        const timer = setTimeout(
          () =>
            controller.abort(new Error(`No answer from the server within ${timeoutMs / 1000} s.`)),
          timeoutMs,
        );
        const cleanup = () => {
          clearTimeout(timer);
          outer?.removeEventListener('abort', onAbort);
        };
        const subscription = next({ ...op, signal: controller.signal }).subscribe({
          next: (value) => observer.next(value),
          error: (error) => {
            cleanup();
            observer.error(error);
          },
          complete: () => {
            cleanup();
            observer.complete();
          },
        });
        return () => {
          cleanup();
          subscription.unsubscribe();
        };
      });
    };
}
