import { Match, Switch } from 'solid-js';
import type { ItemStatus } from '../stores/messages-store';
import { CheckIcon, ClockIcon, WarningIcon } from './icons';

/** Accessible names of each delivery state (docs/api.md: a clock for pending/sent, a check for delivered). */
export const statusLabels: Record<ItemStatus, string> = {
  sending: 'Sending',
  pending: 'Pending: waiting for the recipient',
  sent: 'Sent, not yet delivered',
  delivered: 'Delivered',
  failed: 'Not delivered',
};

export function StatusIcon(props: { status: ItemStatus }) {
  return (
    <span class="inline-flex items-center" data-status={props.status}>
      <Switch
        fallback={<ClockIcon class="h-3.5 w-3.5 opacity-70" label={statusLabels[props.status]} />}
      >
        <Match when={props.status === 'delivered'}>
          <CheckIcon class="h-3.5 w-3.5" label={statusLabels.delivered} />
        </Match>
        <Match when={props.status === 'failed'}>
          <WarningIcon class="h-3.5 w-3.5 text-red-500" label={statusLabels.failed} />
        </Match>
      </Switch>
    </span>
  );
}
