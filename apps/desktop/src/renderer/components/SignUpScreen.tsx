import { failedPasswordRules, passwordRuleMessages, type PasswordRule } from '@parley/protocol';
import { createSignal } from 'solid-js';
import { useSession } from '../context';
import { errorInfo } from '../lib/errors';
import { AuthForm } from './AuthForm';
import { Field } from './Field';
import { PasswordChecklist } from './PasswordChecklist';

const ruleByMessage = new Map(
  Object.entries(passwordRuleMessages).map(([rule, message]) => [message, rule as PasswordRule]),
);

/** Which named rules the server said failed (by rule name or by its message). */
export function serverFailedRules(messages: string[], data?: unknown): PasswordRule[] {
  const rules = new Set<PasswordRule>();
  for (const message of messages) {
    const rule =
      ruleByMessage.get(message) ??
      (message in passwordRuleMessages ? (message as PasswordRule) : undefined);
    if (rule) rules.add(rule);
  }
  if (Array.isArray(data))
    for (const name of data)
      if (typeof name === 'string' && name in passwordRuleMessages) rules.add(name as PasswordRule);
  return [...rules];
}

export function SignUpScreen() {
  const session = useSession();
  const [username, setUsername] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [fieldErrors, setFieldErrors] = createSignal<Record<string, string[]>>({});
  const [serverRules, setServerRules] = createSignal<PasswordRule[]>([]);
  const [formError, setFormError] = createSignal<string | null>(null);

  const submit = async (): Promise<void> => {
    setFormError(null);
    setFieldErrors({});
    setServerRules([]);
    const failing = failedPasswordRules(password(), username());
    if (username().trim() === '') {
      setFieldErrors({ username: ['Choose a username'] });
      return;
    }
    if (failing.length > 0) {
      setFieldErrors({ password: ['The password does not meet every rule below'] });
      return;
    }
    try {
      await session.register(username(), password());
    } catch (error) {
      const info = errorInfo(error);
      if (info.code === 'CONFLICT') setFieldErrors({ username: [info.message] });
      else if (Object.keys(info.fieldErrors).length > 0) {
        setFieldErrors(info.fieldErrors);
        setServerRules(serverFailedRules(info.fieldErrors.password ?? []));
      } else setFormError(info.message);
    }
  };

  return (
    <AuthForm
      title="Create your Parley account"
      otherScreen={{ prompt: 'Already have an account?', href: '#/login', label: 'Log in' }}
      label="Sign up"
      error={formError()}
      submitLabel="Sign up"
      busyLabel="Creating account…"
      onSubmit={submit}
    >
      <Field
        id="username"
        label="Username"
        value={username()}
        autocomplete="username"
        autofocus
        errors={fieldErrors().username}
        onInput={(value) => {
          setUsername(value);
          setFieldErrors(({ username: _, ...rest }) => rest);
        }}
      />
      <Field
        id="password"
        label="Password"
        type="password"
        value={password()}
        autocomplete="new-password"
        describedBy="password-rules"
        errors={fieldErrors().password}
        onInput={(value) => {
          setPassword(value);
          setServerRules([]);
          setFieldErrors(({ password: _, ...rest }) => rest);
        }}
      >
        <PasswordChecklist
          password={password()}
          username={username()}
          serverFailed={serverRules()}
        />
      </Field>
    </AuthForm>
  );
}
