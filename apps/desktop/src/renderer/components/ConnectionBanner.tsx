import { Match, Show, Switch } from 'solid-js';
import { useConnection } from '../context';

/** Says when the live connection is not up: connecting, reconnecting in N s, or offline. */
export function ConnectionBanner() {
  const connection = useConnection();
  const kind = () => connection.state().kind;
  return (
    <Show when={kind() !== 'online'}>
      <div
        role="status"
        data-connection={kind()}
        class={`px-4 py-1.5 text-center text-sm font-medium ${
          kind() === 'offline'
            ? 'bg-red-600 text-white'
            : 'bg-amber-100 text-amber-900 dark:bg-amber-500/20 dark:text-amber-200'
        }`}
      >
        <Switch>
          <Match when={kind() === 'connecting'}>Connecting…</Match>
          <Match when={kind() === 'reconnecting'}>
            Connection lost. Reconnecting in {connection.secondsUntilRetry()} s…
          </Match>
          <Match when={kind() === 'offline'}>
            Offline. Messages you send are kept and go out when you are back.
          </Match>
        </Switch>
      </div>
    </Show>
  );
}
