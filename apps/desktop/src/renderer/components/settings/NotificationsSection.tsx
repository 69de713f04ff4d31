import { Show, createResource, createSignal } from 'solid-js';
import { useNotificationPrefs, usePlatform } from '../../context';

const checkboxRow = 'mt-2 flex items-start gap-2 text-sm';

/**
 * Notifications for new messages while Parley is in the background: on/off (on the web this asks the
 * browser's permission, from this click) and whether they show the message text.
 */
export function NotificationsSection() {
  const platform = usePlatform();
  const prefs = useNotificationPrefs();
  const [desktop, { mutate }] = createResource(() => platform.settings());
  const [permission, setPermission] = createSignal(platform.notificationPermission());

  const enabled = () =>
    desktop()?.notifications ?? (prefs.prefs.enabled && permission() === 'granted');

  const toggle = async (on: boolean): Promise<void> => {
    const current = desktop();
    if (current) {
      mutate({ ...current, notifications: on });
      await platform.setNotifications(on);
      return;
    }
    prefs.set({ enabled: on, asked: true });
    if (on && permission() === 'default')
      setPermission(await platform.requestNotificationPermission());
  };

  return (
    <section
      aria-labelledby="notifications-heading"
      class="border-t border-slate-200 pt-4 dark:border-slate-800"
    >
      <h3 id="notifications-heading" class="text-sm font-semibold">
        Notifications
      </h3>
      <Show
        when={permission() !== 'unsupported'}
        fallback={
          <p class="mt-2 text-sm text-slate-600 dark:text-slate-400">
            This browser cannot show notifications.
          </p>
        }
      >
        <label class={checkboxRow}>
          <input
            type="checkbox"
            class="mt-0.5"
            checked={enabled()}
            disabled={permission() === 'denied' && !desktop()}
            onChange={(event) => void toggle(event.currentTarget.checked)}
          />
          Notify me about new messages while Parley is in the background
        </label>
        <Show when={permission() === 'denied' && !desktop()}>
          <p
            class="mt-1 ml-6 text-xs text-slate-600 dark:text-slate-400"
            data-testid="notifications-blocked"
          >
            Notifications are blocked for this site. Allow them in the browser’s site settings.
          </p>
        </Show>
        <label class={checkboxRow}>
          <input
            type="checkbox"
            class="mt-0.5"
            checked={prefs.prefs.showText}
            onChange={(event) => prefs.set({ showText: event.currentTarget.checked })}
          />
          Show the message text in notifications
        </label>
      </Show>
    </section>
  );
}
