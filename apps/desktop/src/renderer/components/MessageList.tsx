import { For, Show, createEffect, createMemo, on, onMount } from 'solid-js';
import { useMessages } from '../context';
import { formatDay, formatFull, formatTime, sameDay } from '../lib/format';
import type { ChatItem } from '../stores/messages-store';
import { StatusIcon } from './StatusIcon';

const NEAR_BOTTOM_PX = 120;
const NEAR_TOP_PX = 80;

/** The messages of one conversation, as a list; older history loads as the user scrolls up. */
export function MessageList(props: {
  conversationId: string;
  peerName: string;
  targetMessageId: string | null;
}) {
  const messages = useMessages();
  const items = createMemo(() => messages.items(props.conversationId));
  const thread = () => messages.thread(props.conversationId);
  let scroller: HTMLDivElement | undefined;
  let stickToBottom = true;

  const scrollToBottom = (): void => {
    if (scroller) scroller.scrollTop = scroller.scrollHeight;
  };

  const loadOlder = async (): Promise<void> => {
    if (!scroller) return;
    const before = scroller.scrollHeight;
    const top = scroller.scrollTop;
    if (await messages.loadOlder(props.conversationId)) {
      scroller.scrollTop = top + (scroller.scrollHeight - before);
    }
  };

  const jumpTo = async (messageId: string): Promise<void> => {
    stickToBottom = false;
    await messages.loadUntil(props.conversationId, messageId);
    const element = scroller?.querySelector<HTMLElement>(
      `[data-message-id="${CSS.escape(messageId)}"]`,
    );
    if (!element) return;
    element.scrollIntoView({ block: 'center' });
    element.classList.remove('flash-target');
    void element.offsetWidth;
    element.classList.add('flash-target');
    element.focus({ preventScroll: true });
  };

  onMount(() => {
    void messages.load(props.conversationId).then(() => {
      if (props.targetMessageId) void jumpTo(props.targetMessageId);
      else scrollToBottom();
    });
  });

  createEffect(
    on(
      () => props.targetMessageId,
      (target, previous) => {
        if (target && previous !== undefined && thread().loaded) void jumpTo(target);
      },
    ),
  );

  // New rows at the bottom: follow them if the user was at the bottom, or if they are ours.
  createEffect(
    on(
      () => {
        const list = items();
        return list[list.length - 1];
      },
      (last, previousLast) => {
        if (!last || last === previousLast) return;
        if (stickToBottom || last.mine) queueMicrotask(scrollToBottom);
      },
    ),
  );

  const onScroll = (): void => {
    if (!scroller) return;
    stickToBottom =
      scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < NEAR_BOTTOM_PX;
    if (scroller.scrollTop < NEAR_TOP_PX) void loadOlder();
  };

  const startsDay = (item: ChatItem, index: number): boolean => {
    const previous = items()[index - 1];
    return !previous || !sameDay(previous.createdAt, item.createdAt);
  };

  const showSender = (item: ChatItem, index: number): boolean => {
    const previous = items()[index - 1];
    return (
      !item.mine &&
      (!previous ||
        previous.mine ||
        previous.senderName !== item.senderName ||
        startsDay(item, index))
    );
  };

  return (
    <div
      ref={scroller}
      class="min-h-0 flex-1 overflow-y-auto px-4 py-3"
      onScroll={onScroll}
      data-testid="message-scroller"
    >
      <Show when={thread().nextBefore !== null}>
        <div class="mb-3 text-center">
          <button
            type="button"
            class="rounded-full px-3 py-1 text-xs text-slate-600 dark:text-slate-400 hover:bg-slate-100 dark:hover:bg-slate-800"
            disabled={thread().loadingOlder}
            onClick={() => void loadOlder()}
          >
            {thread().loadingOlder ? 'Loading earlier messages…' : 'Load earlier messages'}
          </button>
        </div>
      </Show>
      <Show when={thread().loaded && items().length === 0}>
        <p class="mt-10 text-center text-sm text-slate-600 dark:text-slate-400">
          No messages yet. Say hello to {props.peerName}!
        </p>
      </Show>
      <Show when={thread().error}>
        <p role="alert" class="my-2 text-center text-sm text-red-600">
          {thread().error}
        </p>
      </Show>
      <ol aria-label={`Messages with ${props.peerName}`} class="space-y-1" data-testid="messages">
        <For each={items()}>
          {(item, index) => (
            <li
              class={`flex flex-wrap ${item.mine ? 'justify-end' : 'justify-start'} rounded-xl`}
              data-message-id={item.id ?? undefined}
              data-client-id={item.key}
              data-mine={item.mine ? 'true' : 'false'}
              tabindex="-1"
            >
              <Show when={startsDay(item, index())}>
                <div
                  class="my-3 w-full text-center text-xs font-medium text-slate-600 dark:text-slate-400"
                  data-testid="day"
                >
                  {formatDay(item.createdAt)}
                </div>
              </Show>
              <div class={`max-w-[75%] ${showSender(item, index()) ? 'mt-2' : ''}`}>
                <Show when={showSender(item, index())}>
                  <div
                    class={`mb-0.5 px-1 text-xs font-medium ${item.anonymized ? 'italic text-slate-600 dark:text-slate-400' : 'text-slate-600 dark:text-slate-400'}`}
                    data-testid="sender"
                  >
                    {item.senderName}
                  </div>
                </Show>
                <div
                  class={`rounded-2xl px-3 py-2 shadow-sm ${
                    item.mine
                      ? 'rounded-br-md bg-accent-600 text-white'
                      : 'rounded-bl-md bg-slate-100 text-slate-900 dark:bg-slate-800 dark:text-slate-100'
                  }`}
                >
                  <span class="sr-only">{item.mine ? 'You' : item.senderName}: </span>
                  <p class="whitespace-pre-wrap break-words" data-testid="body">
                    {item.body}
                  </p>
                  <div
                    class={`mt-0.5 flex items-center justify-end gap-1 text-[11px] ${item.mine ? 'text-white' : 'text-slate-600 dark:text-slate-400'}`}
                  >
                    <time
                      datetime={new Date(item.createdAt).toISOString()}
                      title={formatFull(item.createdAt)}
                    >
                      {formatTime(item.createdAt)}
                    </time>
                    <Show when={item.mine}>
                      <StatusIcon status={item.status} />
                    </Show>
                  </div>
                  <Show when={item.mine && item.error && item.status === 'failed'}>
                    <p class="mt-1 text-xs text-red-100">{item.error}</p>
                  </Show>
                </div>
              </div>
            </li>
          )}
        </For>
      </ol>
    </div>
  );
}
