import { DEFAULT_SERVER_URL } from '../../shared/app-identity';
import { isUnencryptedRemoteServer } from '../../shared/server-url';
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
  // The http:// origin the user was warned about; pressing the button again with it unchanged confirms.
  const [warnedAbout, setWarnedAbout] = createSignal<string | null>(null);

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
    if (isUnencryptedRemoteServer(parsed.origin) && warnedAbout() !== parsed.origin) {
      setWarnedAbout(parsed.origin);
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
          onInput={(value) => {
            setUrl(value);
            setWarnedAbout(null);
          }}
          errors={error() ? [error() ?? ''] : []}
        />
        <Show when={warnedAbout()}>
          {(origin) => (
            <div
              role="alert"
              class="rounded-md border border-amber-400 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-500 dark:bg-amber-950 dark:text-amber-100"
            >
              <p class="font-medium">{origin()} is not encrypted.</p>
              <p class="mt-1">
                Over http:// your password, your session and every message cross the network in
                plain text, readable and changeable by anyone on the way. Use an https:// address if
                the server has one. Continue only if you trust every network between you and this
                server.
              </p>
            </div>
          )}
        </Show>
        <Show when={busy()}>
          <p class="text-sm text-slate-600 dark:text-slate-400" role="status">
            Connecting…
          </p>
        </Show>
        <button type="submit" class={primaryButton} disabled={busy()}>
          {warnedAbout() ? 'Connect without encryption' : 'Continue'}
        </button>
      </form>
    </AuthLayout>
  );
}
