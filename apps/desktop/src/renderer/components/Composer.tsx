import { codePointLength, limits } from '@parley/protocol';
import { Show, createEffect, createMemo, createSignal, on, onCleanup } from 'solid-js';
import { useChat, useDrafts } from '../context';
import { SendIcon } from './icons';

/** Shown from here on, so the limit never comes as a surprise. */
export const COUNTER_FROM = limits.messageMaxCodePoints - 500;

/** "This message is 1 character over the 4000 limit." */
export function overLimitMessage(over: number): string {
  return `This message is ${over} ${over === 1 ? 'character' : 'characters'} over the ${limits.messageMaxCodePoints} limit.`;
}

/** Enter sends, Shift+Enter is a new line; blank messages are not sent, over-long ones are stopped with a reason. */
export function Composer(props: { conversationId: string; disabled?: string | null }) {
  const chat = useChat();
  const drafts = useDrafts();
  const [error, setError] = createSignal<string | null>(null);
  let textarea: HTMLTextAreaElement | undefined;

  const text = () => drafts.get(props.conversationId);
  const length = createMemo(() => codePointLength(text()));
  const over = () => length() - limits.messageMaxCodePoints;

  createEffect(
    on(
      () => props.conversationId,
      (_id, previous) => {
        if (previous !== undefined) void drafts.flush();
        setError(null);
        textarea?.focus();
      },
    ),
  );

  onCleanup(() => void drafts.flush());

  const resize = (): void => {
    if (!textarea) return;
    textarea.style.height = 'auto';
    textarea.style.height = `${Math.min(textarea.scrollHeight, 200)}px`;
  };
  createEffect(on(text, () => queueMicrotask(resize)));

  const submit = (): void => {
    const body = text();
    // Enter on an empty box is a slip, not a mistake to point out.
    if (body.trim() === '') return;
    if (over() > 0) {
      setError(overLimitMessage(over()));
      return;
    }
    setError(null);
    chat.send(props.conversationId, body);
    drafts.set(props.conversationId, '');
    void drafts.flush();
    textarea?.focus();
  };

  return (
    <form
      class="border-t border-slate-200 bg-white px-4 py-3 dark:border-slate-800 dark:bg-slate-900"
      aria-label="Send a message"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <Show
        when={!props.disabled}
        fallback={
          <p class="py-2 text-center text-sm text-slate-600 dark:text-slate-400">
            {props.disabled}
          </p>
        }
      >
        <div class="flex items-end gap-2">
          <textarea
            ref={textarea}
            rows={1}
            aria-label="Message"
            aria-describedby="composer-help composer-error composer-counter"
            placeholder="Write a message"
            value={text()}
            onInput={(event) => {
              drafts.set(props.conversationId, event.currentTarget.value);
              if (error()) setError(null);
            }}
            onKeyDown={(event) => {
              if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
                event.preventDefault();
                submit();
              }
            }}
            class="max-h-[200px] min-h-[42px] flex-1 resize-none rounded-xl border border-slate-300 bg-white px-3 py-2.5 leading-5 focus:border-accent-500 focus:ring-2 focus:ring-accent-500/30 focus:outline-none dark:border-slate-700 dark:bg-slate-950"
          />
          <button
            type="submit"
            aria-label="Send"
            class="flex h-[42px] w-[42px] items-center justify-center rounded-xl bg-accent-600 text-white hover:bg-accent-700"
          >
            <SendIcon class="h-5 w-5" />
          </button>
        </div>
        <div class="mt-1 flex min-h-5 items-center justify-between text-xs">
          <span id="composer-error" role="alert" class="text-red-600 dark:text-red-400">
            {error()}
          </span>
          <span id="composer-help" class="sr-only">
            Enter sends, Shift+Enter starts a new line.
          </span>
          <Show when={length() >= COUNTER_FROM}>
            <span
              id="composer-counter"
              data-testid="char-counter"
              aria-live="polite"
              class={
                over() > 0
                  ? 'font-semibold text-red-600 dark:text-red-400'
                  : 'text-slate-600 dark:text-slate-400'
              }
            >
              {length()} / {limits.messageMaxCodePoints}
            </span>
          </Show>
        </div>
      </Show>
    </form>
  );
}
