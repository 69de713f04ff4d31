import { DEFAULT_SERVER_URL } from '../../shared/app-identity';
import { Show, createSignal } from 'solid-js';
import { AuthLayout, primaryButton } from './AuthLayout';
import { Field } from './Field';

/** Desktop first run: which Parley server to use (remembered by the main process). */
export function ServerSetup(props: {
  initial: string | null;
  onSave: (url: string) => Promise<void>;
}) {
  const [url, setUrl] = createSignal(props.initial ?? DEFAULT_SERVER_URL);
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  const submit = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    setError(null);
    let parsed: URL;
    try {
      parsed = new URL(url().trim());
    } catch {
      setError('Enter an address like http://localhost:3000');
      return;
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      setError('The address must start with http:// or https://');
      return;
    }
    setBusy(true);
    try {
      await props.onSave(parsed.origin);
    } catch {
      setError('Could not save the address.');
      setBusy(false);
    }
  };

  return (
    <AuthLayout
      title="Connect to your Parley server"
      footer={<>Ask whoever runs your Parley server for its address.</>}
    >
      <form
        class="space-y-4"
        onSubmit={(event) => void submit(event)}
        novalidate
        aria-label="Choose the server"
      >
        <Field
          id="server-url"
          label="Server address"
          type="url"
          value={url()}
          autofocus
          onInput={setUrl}
          errors={error() ? [error() ?? ''] : []}
        />
        <Show when={busy()}>
          <p class="text-sm text-slate-600 dark:text-slate-400" role="status">
            Connecting…
          </p>
        </Show>
        <button type="submit" class={primaryButton} disabled={busy()}>
          Continue
        </button>
      </form>
    </AuthLayout>
  );
}
