import { Show, createSignal } from 'solid-js';
import { useDrafts, useSession } from '../../context';
import { errorInfo } from '../../lib/errors';
import { ErrorAlert } from '../ErrorAlert';

/** Closing the account for good, confirmed with the password. */
export function DeleteAccountSection() {
  const session = useSession();
  const drafts = useDrafts();
  const [password, setPassword] = createSignal('');
  const [confirming, setConfirming] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  const deleteAccount = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    setError(null);
    if (password() === '') {
      setError('Enter your password to confirm.');
      return;
    }
    setBusy(true);
    try {
      await session.deleteAccount(password());
      await drafts.clearAll().catch(() => undefined);
    } catch (caught) {
      setError(errorInfo(caught).message);
      setBusy(false);
    }
  };

  return (
    <section class="border-t border-slate-200 pt-4 dark:border-slate-800">
      <h3 class="text-sm font-semibold text-red-700 dark:text-red-400">Delete account</h3>
      <p class="mt-1 text-sm text-slate-600 dark:text-slate-400">
        Your account is closed for good. People you talked to keep the conversations; your messages
        show as “Deleted User”.
      </p>
      <Show
        when={confirming()}
        fallback={
          <button
            type="button"
            class="mt-3 rounded-lg border border-red-300 px-4 py-2 text-sm font-medium text-red-700 hover:bg-red-50 dark:border-red-800 dark:text-red-400 dark:hover:bg-red-950"
            onClick={() => setConfirming(true)}
          >
            Delete my account…
          </button>
        }
      >
        <form
          class="mt-3 space-y-2"
          onSubmit={(event) => void deleteAccount(event)}
          aria-label="Confirm account deletion"
        >
          <label for="delete-password" class="block text-sm font-medium">
            Your password
          </label>
          <input
            id="delete-password"
            type="password"
            autocomplete="current-password"
            autofocus
            value={password()}
            onInput={(event) => setPassword(event.currentTarget.value)}
            class="block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-950"
          />
          <ErrorAlert message={error()} />
          <button
            type="submit"
            class="rounded-lg bg-red-600 px-4 py-2 text-sm font-medium text-white hover:bg-red-700 disabled:opacity-60"
            disabled={busy()}
          >
            Delete my account permanently
          </button>
        </form>
      </Show>
    </section>
  );
}
