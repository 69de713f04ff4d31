import { Show } from 'solid-js';
import { useAccountSettings } from '../../context';

const checkboxRow = 'mt-2 flex items-start gap-2 text-sm';

/** Read receipts and typing indicators: kept with the account, and each works both ways. */
export function PrivacySection() {
  const settings = useAccountSettings();
  return (
    <section
      aria-labelledby="privacy-heading"
      class="border-t border-slate-200 pt-4 dark:border-slate-800"
      data-testid="privacy"
    >
      <h3 id="privacy-heading" class="text-sm font-semibold">
        Privacy
      </h3>
      <p class="mt-1 text-xs text-slate-600 dark:text-slate-400" id="privacy-reciprocal">
        Both work both ways: turn one off and you stop seeing it from others too.
      </p>
      <label class={checkboxRow}>
        <input
          type="checkbox"
          class="mt-0.5"
          aria-describedby="privacy-reciprocal"
          checked={settings.state.readReceipts}
          onChange={(event) => void settings.update({ readReceipts: event.currentTarget.checked })}
        />
        Send read receipts (people see when you have read their messages)
      </label>
      <label class={checkboxRow}>
        <input
          type="checkbox"
          class="mt-0.5"
          aria-describedby="privacy-reciprocal"
          checked={settings.state.typingIndicators}
          onChange={(event) =>
            void settings.update({ typingIndicators: event.currentTarget.checked })
          }
        />
        Show when I am typing
      </label>
      <Show when={settings.state.error}>
        {(message) => (
          <p role="alert" class="mt-2 text-sm text-red-600 dark:text-red-400">
            {message()}
          </p>
        )}
      </Show>
    </section>
  );
}
