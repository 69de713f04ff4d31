import { Match, Switch } from 'solid-js';
import type { ItemStatus } from '../stores/messages-store';
import { CheckIcon, ClockIcon, DoubleCheckIcon, WarningIcon } from './icons';

/**
 * Every state a message of ours can show: clock (on this device), one check (at the server), two
 * checks (delivered), two coloured checks (read: only while both people have read receipts on).
 */
export type DisplayStatus = ItemStatus;

/** Accessible names, in words: where the message is now. */
export const statusLabels: Record<DisplayStatus, string> = {
  sending: 'On this device: not yet accepted by the server',
  pending: 'Sent to the server: waiting for the recipient to connect',
  sent: 'Sent to the server: not yet delivered',
  delivered: 'Delivered',
  read: 'Read',
  failed: 'Not delivered',
};

export function StatusIcon(props: { status: DisplayStatus }) {
  const label = () => statusLabels[props.status];
  return (
    <span class="inline-flex items-center" data-status={props.status} title={label()}>
      <Switch>
        <Match when={props.status === 'sending'}>
          <ClockIcon class="h-3.5 w-3.5 opacity-80" label={label()} />
        </Match>
        <Match when={props.status === 'pending' || props.status === 'sent'}>
          <CheckIcon class="h-3.5 w-3.5 opacity-80" label={label()} />
        </Match>
        <Match when={props.status === 'delivered'}>
          <DoubleCheckIcon class="h-3.5 w-4" label={label()} />
        </Match>
        <Match when={props.status === 'read'}>
          <DoubleCheckIcon class="h-3.5 w-4 text-sky-200" label={label()} />
        </Match>
        <Match when={props.status === 'failed'}>
          <WarningIcon class="h-3.5 w-3.5 text-red-100" label={label()} />
        </Match>
      </Switch>
    </span>
  );
}
