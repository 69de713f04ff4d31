import type { PasswordRule } from '@parley/protocol';
import { failedPasswordRules } from '@parley/protocol';
import { Show, createSignal } from 'solid-js';
import { useChatClient } from '../../context';
import { errorInfo } from '../../lib/errors';
import { ErrorAlert } from '../ErrorAlert';
import { Field } from '../Field';
import { PasswordChecklist } from '../PasswordChecklist';
import { serverFailedRules } from '../SignUpScreen';

type Errors = { current?: string[]; next?: string[]; confirm?: string[] };

/**
 * Change the password: the current one, the new one (the sign-up rules as a live checklist, and the
 * server's failed rules by name), and the new one again. This device stays signed in; every other
 * one is signed out.
 */
export function ChangePasswordSection(props: { username: string }) {
  const client = useChatClient();
  const [open, setOpen] = createSignal(false);
  const [current, setCurrent] = createSignal('');
  const [next, setNext] = createSignal('');
  const [confirm, setConfirm] = createSignal('');
  const [errors, setErrors] = createSignal<Errors>({});
  const [serverRules, setServerRules] = createSignal<PasswordRule[]>([]);
  const [formError, setFormError] = createSignal<string | null>(null);
  const [done, setDone] = createSignal(false);
  const [busy, setBusy] = createSignal(false);

  const submit = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    setErrors({});
    setServerRules([]);
    setFormError(null);
    setDone(false);
    const found: Errors = {};
    if (current() === '') found.current = ['Enter your current password'];
    if (failedPasswordRules(next(), props.username).length > 0)
      found.next = ['The new password does not meet every rule below'];
    else if (next() === current())
      found.next = ['The new password must differ from the current one'];
    if (confirm() !== next()) found.confirm = ['The two new passwords are not the same'];
    if (Object.keys(found).length > 0) {
      setErrors(found);
      return;
    }
    setBusy(true);
    try {
      await client.account.changePassword(current(), next());
      setCurrent('');
      setNext('');
      setConfirm('');
      setDone(true);
    } catch (caught) {
      const info = errorInfo(caught);
      if (info.code === 'UNAUTHORIZED') setErrors({ current: [info.message] });
      else if (info.fieldErrors.newPassword || info.fieldErrors.currentPassword) {
        setErrors({
          current: info.fieldErrors.currentPassword,
          next: info.fieldErrors.newPassword,
        });
        setServerRules(serverFailedRules(info.fieldErrors.newPassword ?? []));
      } else setFormError(info.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section
      aria-labelledby="password-heading"
      class="border-t border-slate-200 pt-4 dark:border-slate-800"
    >
      <h3 id="password-heading" class="text-sm font-semibold">
        Password
      </h3>
      <Show when={done()}>
        <p
          role="status"
          class="mt-2 text-sm text-emerald-700 dark:text-emerald-400"
          data-testid="password-changed"
        >
          Password changed; your other devices were signed out.
        </p>
      </Show>
      <Show
        when={open()}
        fallback={
          <button
            type="button"
            class="mt-3 rounded-lg border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
            onClick={() => setOpen(true)}
          >
            Change password…
          </button>
        }
      >
        <form
          class="mt-3 space-y-3"
          aria-label="Change password"
          onSubmit={(event) => void submit(event)}
        >
          <Field
            id="current-password"
            label="Current password"
            type="password"
            autocomplete="current-password"
            autofocus
            value={current()}
            errors={errors().current}
            onInput={setCurrent}
          />
          <Field
            id="new-password"
            label="New password"
            type="password"
            autocomplete="new-password"
            describedBy="password-rules"
            value={next()}
            errors={errors().next}
            onInput={(value) => {
              setNext(value);
              setServerRules([]);
            }}
          >
            <PasswordChecklist
              password={next()}
              username={props.username}
              serverFailed={serverRules()}
            />
          </Field>
          <Field
            id="confirm-password"
            label="New password again"
            type="password"
            autocomplete="new-password"
            value={confirm()}
            errors={errors().confirm}
            onInput={setConfirm}
          />
          <ErrorAlert message={formError()} />
          <button
            type="submit"
            class="rounded-lg bg-accent-600 px-4 py-2 text-sm font-medium text-white hover:bg-accent-700 disabled:opacity-60"
            disabled={busy()}
          >
            {busy() ? 'Changing…' : 'Change password'}
          </button>
        </form>
      </Show>
    </section>
  );
}
