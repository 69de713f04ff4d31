import type { Peer } from '@parley/protocol';

/** A green dot for online, grey for offline; says which to screen readers. */
export function PresenceDot(props: { peer: Pick<Peer, 'online' | 'deleted'>; class?: string }) {
  const label = () =>
    props.peer.deleted ? 'Account deleted' : props.peer.online ? 'Online' : 'Offline';
  return (
    <span
      role="img"
      aria-label={label()}
      title={label()}
      data-presence={props.peer.online ? 'online' : 'offline'}
      class={`inline-block h-2.5 w-2.5 shrink-0 rounded-full ring-2 ring-white dark:ring-slate-900 ${
        props.peer.online ? 'bg-emerald-500' : 'bg-slate-400 dark:bg-slate-600'
      } ${props.class ?? ''}`}
    />
  );
}
