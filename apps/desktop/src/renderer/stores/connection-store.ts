import { createSignal, onCleanup } from 'solid-js';
import type { ConnectionState } from '@parley/client';
import type { ChatClient } from '../lib/chat-client';

/**
 * The live connection as the app shows it: the client's state, the browser's own idea of the
 * network (`offline`/`online` events come at once, long before a keep-alive times out), and a
 * countdown to the next attempt that ticks while a reconnect is scheduled.
 */
export function createConnectionStore(client: ChatClient, now: () => number = Date.now) {
  const [state, setState] = createSignal<ConnectionState>(client.connection());
  const [network, setNetwork] = createSignal(navigator.onLine);
  const [clock, setClock] = createSignal(now());
  onCleanup(
    client.onConnectionChange((next) => {
      setState(next);
      setClock(now());
    }),
  );
  const timer = setInterval(() => {
    if (state().kind === 'reconnecting') setClock(now());
  }, 250);
  onCleanup(() => clearInterval(timer));

  const onOffline = (): void => {
    setNetwork(false);
  };
  // The network is back: reconnect now rather than when the backoff says.
  const onOnline = (): void => {
    setNetwork(true);
    client.reconnectNow();
  };
  window.addEventListener('offline', onOffline);
  window.addEventListener('online', onOnline);
  onCleanup(() => {
    window.removeEventListener('offline', onOffline);
    window.removeEventListener('online', onOnline);
  });

  /** What the banner says: the browser being offline outranks whatever the socket thinks. */
  const shown = (): ConnectionState['kind'] | 'no-network' =>
    network() ? state().kind : 'no-network';

  return {
    state,
    shown,
    /** Whether live data (presence, delivery) can be trusted right now. */
    live: (): boolean => shown() === 'online',
    /** Whole seconds until the next attempt (while reconnecting); never goes up during one wait. */
    secondsUntilRetry(): number {
      const current = state();
      if (current.kind !== 'reconnecting') return 0;
      return Math.max(0, Math.ceil((current.retryAt - clock()) / 1000));
    },
    retryNow: (): void => client.reconnectNow(),
  };
}

export type ConnectionStore = ReturnType<typeof createConnectionStore>;
