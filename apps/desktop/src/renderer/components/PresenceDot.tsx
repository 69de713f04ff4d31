import type { Peer } from '@parley/protocol';
import { useConnection } from '../context';

/**
 * A green dot for online, grey for offline, hollow when unknown (we are not connected ourselves, so
 * what we last heard may be stale); says which to screen readers.
 */
export function PresenceDot(props: { peer: Pick<Peer, 'online' | 'deleted'>; class?: string }) {
  const connection = useConnection();
  const presence = () =>
    props.peer.deleted
      ? 'deleted'
      : !connection.live()
        ? 'unknown'
        : props.peer.online
          ? 'online'
          : 'offline';
  const label = () =>
    ({
      deleted: 'Account deleted',
      unknown: 'Presence unknown while you are not connected',
      online: 'Online',
      offline: 'Offline',
    })[presence()];
  return (
    <span
      role="img"
      aria-label={label()}
      title={label()}
      data-presence={presence()}
      class={`inline-block h-2.5 w-2.5 shrink-0 rounded-full ring-2 ring-white dark:ring-slate-900 ${
        presence() === 'online'
          ? 'bg-emerald-500'
          : presence() === 'unknown'
            ? 'border-2 border-slate-400 bg-transparent dark:border-slate-500'
            : 'bg-slate-400 dark:bg-slate-600'
      } ${props.class ?? ''}`}
    />
  );
}
