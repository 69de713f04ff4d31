import { For, Show, onMount, type JSX } from 'solid-js';

/** A labelled input with its errors right below it, tied together for screen readers. */
export function Field(props: {
  id: string;
  label: string;
  type?: string;
  value: string;
  autocomplete?: string;
  errors?: string[];
  describedBy?: string;
  onInput: (value: string) => void;
  children?: JSX.Element;
  autofocus?: boolean;
}) {
  let input: HTMLInputElement | undefined;
  // `autofocus` only works when a page loads; switching screens (log in → sign up) focuses here.
  onMount(() => {
    if (props.autofocus) input?.focus();
  });
  const errorId = () => `${props.id}-errors`;
  const hasErrors = () => (props.errors?.length ?? 0) > 0;
  return (
    <div class="space-y-1">
      <label for={props.id} class="block text-sm font-medium text-slate-700 dark:text-slate-300">
        {props.label}
      </label>
      <input
        ref={input}
        id={props.id}
        name={props.id}
        type={props.type ?? 'text'}
        value={props.value}
        autocomplete={props.autocomplete}
        autofocus={props.autofocus}
        aria-invalid={hasErrors() ? 'true' : 'false'}
        aria-describedby={
          [hasErrors() ? errorId() : '', props.describedBy ?? ''].join(' ').trim() || undefined
        }
        onInput={(event) => props.onInput(event.currentTarget.value)}
        class={`block w-full rounded-lg border bg-white px-3 py-2 text-slate-900 shadow-sm placeholder:text-slate-400 focus:border-accent-500 focus:ring-2 focus:ring-accent-500/30 focus:outline-none dark:bg-slate-900 dark:text-slate-100 ${
          hasErrors() ? 'border-red-500' : 'border-slate-300 dark:border-slate-700'
        }`}
      />
      <Show when={hasErrors()}>
        <ul
          id={errorId()}
          class="text-sm text-red-600 dark:text-red-400"
          data-field-errors={props.id}
        >
          <For each={props.errors}>{(error) => <li>{error}</li>}</For>
        </ul>
      </Show>
      {props.children}
    </div>
  );
}
