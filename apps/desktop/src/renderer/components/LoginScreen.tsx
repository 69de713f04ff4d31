import { Show, createSignal } from 'solid-js';
import { useServer, useSession } from '../context';
import { errorInfo } from '../lib/errors';
import { AuthLayout, linkButton, primaryButton } from './AuthLayout';
import { Field } from './Field';

export function LoginScreen() {
  const session = useSession();
  const server = useServer();
  const [username, setUsername] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  const submit = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    setError(null);
    if (username().trim() === '' || password() === '') {
      setError('Enter your username and password.');
      return;
    }
    setBusy(true);
    try {
      await session.login(username(), password());
    } catch (caught) {
      const info = errorInfo(caught);
      setError(
        info.code === 'TOO_MANY_REQUESTS' && info.retryAfter !== null
          ? `${info.message} Try again in ${Math.ceil(info.retryAfter / 60)} min.`
          : info.message,
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthLayout
      title="Log in to Parley"
      footer={
        <>
          New here?{' '}
          <a href="#/signup" class={linkButton}>
            Create an account
          </a>
        </>
      }
    >
      <form
        class="space-y-4"
        onSubmit={(event) => void submit(event)}
        novalidate
        aria-label="Log in"
      >
        <Field
          id="username"
          label="Username"
          value={username()}
          autocomplete="username"
          autofocus
          onInput={setUsername}
        />
        <Field
          id="password"
          label="Password"
          type="password"
          value={password()}
          autocomplete="current-password"
          onInput={setPassword}
        />
        <Show when={error()}>
          <p role="alert" class="text-sm text-red-600 dark:text-red-400">
            {error()}
          </p>
        </Show>
        <button type="submit" class={primaryButton} disabled={busy()}>
          {busy() ? 'Logging in…' : 'Log in'}
        </button>
      </form>
      <Show when={server}>
        {(current) => (
          <p
            class="mt-4 text-center text-xs text-slate-600 dark:text-slate-400"
            data-testid="server"
          >
            Server: {current().url} ·{' '}
            <button type="button" class={linkButton} onClick={() => current().change()}>
              Change
            </button>
          </p>
        )}
      </Show>
    </AuthLayout>
  );
}
