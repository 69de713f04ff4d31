import { Show } from 'solid-js';

/** An error message announced to screen readers as it appears; nothing while `message` is null. */
export function ErrorAlert(props: { message: string | null; class?: string }) {
  return (
    <Show when={props.message}>
      {(message) => (
        <p
          role="alert"
          class={`text-sm text-red-600 dark:text-red-400 ${props.class ?? ''}`.trim()}
        >
          {message()}
        </p>
      )}
    </Show>
  );
}
