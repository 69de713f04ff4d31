import { Show, createResource } from 'solid-js';
import { usePlatform } from '../../context';

/**
 * Desktop only: automatic updates on/off. When on, the app looks for a new version at start and once a
 * day, downloads it in the background and offers to restart; the web client is always the server's.
 */
export function UpdatesSection() {
  const platform = usePlatform();
  const [desktop, { mutate }] = createResource(() => platform.settings());

  const toggle = async (on: boolean): Promise<void> => {
    const current = desktop();
    if (!current) return;
    mutate({ ...current, autoUpdate: on });
    await platform.setAutoUpdate(on);
  };

  return (
    <Show when={desktop()}>
      {(settings) => (
        <section
          aria-labelledby="updates-heading"
          class="border-t border-slate-200 pt-4 dark:border-slate-800"
        >
          <h3 id="updates-heading" class="text-sm font-semibold">
            Updates
          </h3>
          <label class="mt-2 flex items-start gap-2 text-sm">
            <input
              type="checkbox"
              class="mt-0.5"
              checked={settings().autoUpdate}
              onChange={(event) => void toggle(event.currentTarget.checked)}
            />
            Check for new versions daily and download them in the background
          </label>
        </section>
      )}
    </Show>
  );
}
