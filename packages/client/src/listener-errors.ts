import type { ChatEvent } from '@parley/protocol';

/** Which kind of listener failed, and for `event` listeners the event it was given. */
export interface ListenerErrorContext {
  source: 'event' | 'presence' | 'auth' | 'connection' | 'outbox';
  /** The event an `onEvent` listener failed on (a message's body is in it: do not log it carelessly). */
  event?: ChatEvent;
  eventId?: string;
}

export type ErrorHook = (error: unknown, context: ListenerErrorContext) => void;

/** The default `onError`: one line on stderr naming the listener, without the event (it may hold a message). */
export const logListenerError: ErrorHook = (error, context) => {
  const where = context.eventId === undefined ? '' : ` (event ${context.eventId})`;
  console.error(`[parley] an ${context.source} listener failed${where}:`, error);
};

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { then?: unknown }).then === 'function';

/**
 * Calls `listener` so that neither a throw nor a rejected promise escapes: each goes to `report`. Resolves
 * true when the listener returned (or its promise resolved), false when it failed.
 */
export async function callSafely<Args extends unknown[]>(
  listener: (...args: Args) => unknown,
  args: Args,
  report: (error: unknown) => void,
): Promise<boolean> {
  try {
    const result = listener(...args);
    if (isThenable(result)) await result;
    return true;
  } catch (error) {
    try {
      report(error);
    } catch (hookError) {
      console.error('[parley] the onError hook failed:', hookError);
    }
    return false;
  }
}

/** A listener that never throws and never leaves a rejected promise behind: failures go to `report`. */
export function guarded<Args extends unknown[]>(
  listener: (...args: Args) => unknown,
  report: (error: unknown) => void,
): (...args: Args) => void {
  return (...args) => {
    void callSafely(listener, args, report);
  };
}
