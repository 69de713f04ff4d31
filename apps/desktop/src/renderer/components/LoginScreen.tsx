import { Show, createSignal } from 'solid-js';
import { useServer, useSession } from '../context';
import { errorInfo } from '../lib/errors';
import { loginErrorMessage } from '../lib/lockout-message';
import { AuthForm } from './AuthForm';
import { linkButton } from './AuthLayout';
import { Field } from './Field';

export function LoginScreen() {
  const session = useSession();
  const server = useServer();
  const [username, setUsername] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);

  const submit = async (): Promise<void> => {
    setError(null);
    if (username().trim() === '' || password() === '') {
      setError('Enter your username and password.');
      return;
    }
    try {
      await session.login(username(), password());
    } catch (caught) {
      setError(loginErrorMessage(errorInfo(caught)));
    }
  };

  return (
    <AuthForm
      title="Log in to Parley"
      otherScreen={{ prompt: 'New here?', href: '#/signup', label: 'Create an account' }}
      label="Log in"
      error={error()}
      submitLabel="Log in"
      busyLabel="Logging in…"
      onSubmit={submit}
      after={
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
      }
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
    </AuthForm>
  );
}
