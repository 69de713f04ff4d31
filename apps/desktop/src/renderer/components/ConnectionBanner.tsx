import { Match, Show, Switch } from 'solid-js';
import { useConnection } from '../context';

/** Says when the live connection is not up: no network, connecting, reconnecting in N s (or now). */
export function ConnectionBanner() {
  const connection = useConnection();
  const kind = () => connection.shown();
  return (
    <Show when={kind() !== 'online'}>
      <div
        role="status"
        data-connection={kind()}
        class={`flex flex-wrap items-center justify-center gap-x-3 px-4 py-1.5 text-center text-sm font-medium ${
          kind() === 'no-network' || kind() === 'offline'
            ? 'bg-red-700 text-white'
            : 'bg-amber-100 text-amber-900 dark:bg-amber-500/20 dark:text-amber-200'
        }`}
      >
        <Switch>
          <Match when={kind() === 'no-network'}>
            You are offline. Messages you send are kept and go out when the network is back.
          </Match>
          <Match when={kind() === 'offline'}>
            Offline. Messages you send go out when you are back.
          </Match>
          <Match when={kind() === 'connecting'}>Connecting…</Match>
          <Match when={kind() === 'reconnecting'}>
            <span>
              Connection lost.{' '}
              {connection.secondsUntilRetry() > 0
                ? `Reconnecting in ${connection.secondsUntilRetry()} s…`
                : 'Reconnecting…'}
            </span>
            <button
              type="button"
              class="rounded-md px-2 py-0.5 underline underline-offset-2 hover:bg-amber-200 dark:hover:bg-amber-500/30"
              onClick={() => connection.retryNow()}
            >
              Retry now
            </button>
          </Match>
        </Switch>
      </div>
    </Show>
  );
}
