import { createSignal, type JSX } from 'solid-js';
import { AuthLayout, linkButton, primaryButton } from './AuthLayout';
import { ErrorAlert } from './ErrorAlert';

/**
 * The form of a sign-in screen (log in, sign up): its fields, the form's error, a submit button
 * that is disabled and says `busyLabel` while `onSubmit` runs, and the link to the other screen.
 */
export function AuthForm(props: {
  title: string;
  /** The form's accessible name. */
  label: string;
  /** The way to the other sign-in screen, below the card: "`prompt` `label`" with `label` a link. */
  otherScreen: { prompt: string; href: string; label: string };
  error: string | null;
  submitLabel: string;
  busyLabel: string;
  /** Validates and submits; reports failures through `error`. */
  onSubmit: () => Promise<void>;
  children: JSX.Element;
  /** Inside the card, below the form. */
  after?: JSX.Element;
}) {
  const [busy, setBusy] = createSignal(false);
  const submit = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    try {
      await props.onSubmit();
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthLayout
      title={props.title}
      footer={
        <>
          {props.otherScreen.prompt}{' '}
          <a href={props.otherScreen.href} class={linkButton}>
            {props.otherScreen.label}
          </a>
        </>
      }
    >
      <form
        class="space-y-4"
        onSubmit={(event) => void submit(event)}
        novalidate
        aria-label={props.label}
      >
        {props.children}
        <ErrorAlert message={props.error} />
        <button type="submit" class={primaryButton} disabled={busy()}>
          {busy() ? props.busyLabel : props.submitLabel}
        </button>
      </form>
      {props.after}
    </AuthLayout>
  );
}
