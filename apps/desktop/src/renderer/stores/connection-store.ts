import { createSignal, onCleanup } from 'solid-js';
import type { ConnectionState } from '@parley/client';
import type { ChatClient } from '../lib/chat-client';
import { lookingCheck } from '../lib/connection-checks';

/**
 * The live connection as the app shows it: the client's state, the browser's own idea of the
 * network (`offline`/`online` events come at once, long before a keep-alive times out), and a
 * countdown to the next attempt that ticks while a reconnect is scheduled. Focus, the page
 * becoming visible and `online` check the connection at once.
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

  // A person is (again) looking, or the network is back: learn within seconds whether the socket is
  // dead (and reconnect at once) rather than when the slow background keep-alive would notice.
  const check = (): void => void client.checkConnection(lookingCheck);
  const onOffline = (): void => {
    setNetwork(false);
  };
  const onOnline = (): void => {
    setNetwork(true);
    check();
  };
  const onVisibilityChange = (): void => {
    if (document.visibilityState === 'visible') check();
  };
  window.addEventListener('offline', onOffline);
  window.addEventListener('online', onOnline);
  window.addEventListener('focus', check);
  document.addEventListener('visibilitychange', onVisibilityChange);
  onCleanup(() => {
    window.removeEventListener('offline', onOffline);
    window.removeEventListener('online', onOnline);
    window.removeEventListener('focus', check);
    document.removeEventListener('visibilitychange', onVisibilityChange);
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
