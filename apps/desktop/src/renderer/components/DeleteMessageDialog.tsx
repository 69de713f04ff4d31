import { Show, createSignal } from 'solid-js';
import { errorInfo } from '../lib/errors';
import { Dialog } from './Dialog';
import { ErrorAlert } from './ErrorAlert';

/** "Delete for everyone?": the text is erased for both people, a tombstone stays in its place. */
export function DeleteMessageDialog(props: {
  excerpt: string;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}) {
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);

  const confirm = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await props.onConfirm();
      props.onClose();
    } catch (caught) {
      setError(errorInfo(caught).message);
      setBusy(false);
    }
  };

  return (
    <div
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          props.onClose();
        }
      }}
    >
      <Dialog title="Delete for everyone?" onClose={() => props.onClose()}>
        <div class="space-y-3 p-4 text-sm">
          <p>
            The message is removed for you and the other person, and “This message was deleted”
            stays in its place. This cannot be undone.
          </p>
          <Show when={props.excerpt}>
            <blockquote class="truncate rounded-lg border-l-4 border-slate-300 bg-slate-50 px-3 py-2 text-slate-700 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-300">
              {props.excerpt}
            </blockquote>
          </Show>
          <ErrorAlert message={error()} />
          <div class="flex justify-end gap-2">
            <button
              type="button"
              autofocus
              class="rounded-lg border border-slate-300 px-4 py-2 font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
              onClick={() => props.onClose()}
            >
              Cancel
            </button>
            <button
              type="button"
              class="rounded-lg bg-red-600 px-4 py-2 font-medium text-white hover:bg-red-700 disabled:opacity-60"
              disabled={busy()}
              onClick={() => void confirm()}
            >
              Delete for everyone
            </button>
          </div>
        </div>
      </Dialog>
    </div>
  );
}
