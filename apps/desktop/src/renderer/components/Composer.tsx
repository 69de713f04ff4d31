import { codePointLength, limits } from '@parley/protocol';
import { Show, createEffect, createMemo, createSignal, on, onCleanup } from 'solid-js';
import { useChat, useCompose, useDrafts } from '../context';
import { errorInfo } from '../lib/errors';
import { pastedFiles } from '../lib/file-drop-zone';
import { AttachButton } from './AttachButton';
import { CheckIcon, CloseIcon, SendIcon } from './icons';

/** Shown from here on, so the limit never comes as a surprise. */
export const COUNTER_FROM = limits.messageMaxCodePoints - 500;

/** "This message is 1 character over the 4000 limit." */
export function overLimitMessage(over: number): string {
  return `This message is ${over} ${over === 1 ? 'character' : 'characters'} over the ${limits.messageMaxCodePoints} limit.`;
}

/**
 * Enter sends, Shift+Enter is a new line; blank messages are not sent, over-long ones are stopped
 * with a reason. Above the box: the message being replied to, or "Editing" while one of ours is
 * edited here (Enter saves, Escape cancels; the draft waits aside). Typing tells the peer, throttled.
 */
export function Composer(props: { conversationId: string; disabled?: string | null }) {
  const chat = useChat();
  const compose = useCompose();
  const drafts = useDrafts();
  const [error, setError] = createSignal<string | null>(null);
  const [saving, setSaving] = createSignal(false);
  let textarea: HTMLTextAreaElement | undefined;

  const editing = () => compose.editing(props.conversationId);
  const replyTo = () => compose.replyTo(props.conversationId);
  const text = () => editing()?.body ?? drafts.get(props.conversationId);
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

  onCleanup(() => {
    void drafts.flush();
    chat.typing.stopped(props.conversationId);
  });

  const resize = (): void => {
    if (!textarea) return;
    textarea.style.height = 'auto';
    textarea.style.height = `${Math.min(textarea.scrollHeight, 200)}px`;
  };
  createEffect(on(text, () => queueMicrotask(resize)));

  const cancelEdit = (): void => {
    compose.cancelEdit(props.conversationId);
    setError(null);
    textarea?.focus();
  };

  const saveEdit = async (messageId: string): Promise<void> => {
    const body = text();
    if (body.trim() === '') {
      setError('A message cannot be empty. To remove it, delete it from its menu.');
      return;
    }
    if (over() > 0) {
      setError(overLimitMessage(over()));
      return;
    }
    setSaving(true);
    try {
      await chat.edit(messageId, body);
      compose.cancelEdit(props.conversationId);
      setError(null);
    } catch (caught) {
      setError(errorInfo(caught).message);
    } finally {
      setSaving(false);
      textarea?.focus();
    }
  };

  const submit = (): void => {
    const edit = editing();
    if (edit) {
      void saveEdit(edit.messageId);
      return;
    }
    const body = text();
    // Enter on an empty box is a slip, not a mistake to point out.
    if (body.trim() === '') return;
    if (over() > 0) {
      setError(overLimitMessage(over()));
      return;
    }
    setError(null);
    chat.send(props.conversationId, body, replyTo()?.id);
    compose.cancelReply(props.conversationId);
    drafts.set(props.conversationId, '');
    void drafts.flush();
    textarea?.focus();
  };

  const onInput = (value: string): void => {
    if (editing()) {
      compose.setEditBody(props.conversationId, value);
    } else {
      drafts.set(props.conversationId, value);
      if (value.trim() === '') chat.typing.stopped(props.conversationId);
      else chat.typing.typed(props.conversationId);
    }
    if (error()) setError(null);
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
        <Show when={editing()}>
          <div
            class="mb-2 flex items-center gap-2 rounded-lg border-l-4 border-amber-500 bg-amber-50 px-3 py-1.5 text-sm dark:bg-amber-500/10"
            data-testid="editing-banner"
          >
            <span class="flex-1 font-medium">Editing message</span>
            <span class="text-xs text-slate-600 dark:text-slate-400">Escape cancels</span>
            <button
              type="button"
              class="rounded-md p-1 text-slate-600 hover:bg-amber-100 dark:text-slate-400 dark:hover:bg-slate-800"
              aria-label="Cancel editing"
              onClick={cancelEdit}
            >
              <CloseIcon class="h-4 w-4" />
            </button>
          </div>
        </Show>
        <Show when={!editing() && replyTo()}>
          {(target) => (
            <div
              class="mb-2 flex items-center gap-2 rounded-lg border-l-4 border-accent-500 bg-slate-50 px-3 py-1.5 text-sm dark:bg-slate-800"
              data-testid="replying-to"
            >
              <p class="min-w-0 flex-1 truncate" dir="auto">
                <span class="font-medium">Replying to {target().senderName}:</span>{' '}
                <span class="text-slate-600 dark:text-slate-400">{target().excerpt}</span>
              </p>
              <button
                type="button"
                class="rounded-md p-1 text-slate-600 hover:bg-slate-200 dark:text-slate-400 dark:hover:bg-slate-700"
                aria-label="Cancel reply"
                onClick={() => {
                  compose.cancelReply(props.conversationId);
                  textarea?.focus();
                }}
              >
                <CloseIcon class="h-4 w-4" />
              </button>
            </div>
          )}
        </Show>
        <div class="flex items-end gap-2">
          <AttachButton
            disabled={Boolean(editing())}
            onFiles={(files) => chat.sendFiles(props.conversationId, files)}
          />
          <textarea
            ref={textarea}
            id="composer-input"
            rows={1}
            aria-label={editing() ? 'Edit message' : 'Message'}
            aria-describedby="composer-help composer-error composer-counter"
            placeholder="Write a message"
            value={text()}
            onInput={(event) => onInput(event.currentTarget.value)}
            onBlur={() => chat.typing.stopped(props.conversationId)}
            onPaste={(event) => {
              const files = pastedFiles(event);
              if (files.length === 0 || editing()) return;
              event.preventDefault();
              chat.sendFiles(props.conversationId, files);
            }}
            onKeyDown={(event) => {
              if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
                event.preventDefault();
                submit();
              } else if (event.key === 'Escape' && editing()) {
                event.preventDefault();
                event.stopPropagation();
                cancelEdit();
              } else if (event.key === 'Escape' && replyTo()) {
                event.preventDefault();
                event.stopPropagation();
                compose.cancelReply(props.conversationId);
              }
            }}
            class="max-h-[200px] min-h-[42px] flex-1 resize-none rounded-xl border border-slate-300 bg-white px-3 py-2.5 leading-5 focus:border-accent-500 focus:ring-2 focus:ring-accent-500/30 focus:outline-none dark:border-slate-700 dark:bg-slate-950"
          />
          <button
            type="submit"
            aria-label={editing() ? 'Save edit' : 'Send'}
            disabled={saving()}
            class="flex h-[42px] w-[42px] items-center justify-center rounded-xl bg-accent-600 text-white hover:bg-accent-700 disabled:opacity-60"
          >
            <Show when={editing()} fallback={<SendIcon class="h-5 w-5" />}>
              <CheckIcon class="h-5 w-5" />
            </Show>
          </button>
        </div>
        <div class="mt-1 flex min-h-5 items-center justify-between text-xs">
          <span id="composer-error" role="alert" class="text-red-600 dark:text-red-400">
            {error()}
          </span>
          <span id="composer-help" class="sr-only">
            {editing()
              ? 'Enter saves the edit, Escape cancels it, Shift+Enter starts a new line.'
              : 'Enter sends, Shift+Enter starts a new line.'}
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
