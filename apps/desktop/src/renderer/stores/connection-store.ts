import { createSignal, onCleanup } from 'solid-js';
import type { ConnectionState } from '@parley/client';
import type { ChatClient } from '../lib/chat-client';

/** The live connection's state, with a ticking countdown while a reconnect is scheduled. */
export function createConnectionStore(client: ChatClient, now: () => number = Date.now) {
  const [state, setState] = createSignal<ConnectionState>(client.connection());
  const [clock, setClock] = createSignal(now());
  onCleanup(
    client.onConnectionChange((next) => {
      setState(next);
      setClock(now());
    }),
  );
  const timer = setInterval(() => {
    if (state().kind === 'reconnecting') setClock(now());
  }, 500);
  onCleanup(() => clearInterval(timer));

  return {
    state,
    /** Whole seconds until the next attempt (while reconnecting). */
    secondsUntilRetry(): number {
      const current = state();
      if (current.kind !== 'reconnecting') return 0;
      return Math.max(0, Math.ceil((current.retryAt - clock()) / 1000));
    },
  };
}

export type ConnectionStore = ReturnType<typeof createConnectionStore>;
