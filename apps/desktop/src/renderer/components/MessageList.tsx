import {
  For,
  Show,
  createEffect,
  createMemo,
  createSignal,
  on,
  onCleanup,
  onMount,
  untrack,
} from 'solid-js';
import { useConversations, useMessages } from '../context';
import { formatDay, formatFull, formatTime, sameDay } from '../lib/format';
import type { ChatItem } from '../stores/messages-store';
import { ArrowDownIcon } from './icons';
import { MessageText } from './MessageText';
import { StatusIcon } from './StatusIcon';

const NEAR_BOTTOM_PX = 120;
const NEAR_TOP_PX = 80;

/**
 * The messages of one conversation, as a list; older history loads as the user scrolls up. Opens
 * at the first unread message (marked "New messages"), otherwise at the newest; while scrolled up, a
 * button jumps to the latest and counts what arrived meanwhile.
 */
export function MessageList(props: {
  conversationId: string;
  peerName: string;
  targetMessageId: string | null;
}) {
  const messages = useMessages();
  const conversations = useConversations();
  const items = createMemo(() => messages.items(props.conversationId));
  const thread = () => messages.thread(props.conversationId);
  // Read before the view marks the conversation read: how much was new when it was opened.
  const unreadAtOpen = untrack(() => conversations.get(props.conversationId)?.unreadCount ?? 0);
  const [firstUnreadId, setFirstUnreadId] = createSignal<string | null>(null);
  const [atBottom, setAtBottom] = createSignal(true);
  const [newBelow, setNewBelow] = createSignal(0);
  let scroller: HTMLDivElement | undefined;
  let stickToBottom = true;

  const scrollToBottom = (): void => {
    if (scroller) scroller.scrollTop = scroller.scrollHeight;
  };

  /** Scrolls only the list (never the page, as scrollIntoView would) so `element` is at `where`. */
  const reveal = (element: HTMLElement, where: 'start' | 'center'): void => {
    if (!scroller) return;
    const box = scroller.getBoundingClientRect();
    const rect = element.getBoundingClientRect();
    const offset = where === 'start' ? 8 : (scroller.clientHeight - rect.height) / 2;
    scroller.scrollTop += rect.top - box.top - offset;
  };

  const loadOlder = async (): Promise<void> => {
    if (!scroller) return;
    const before = scroller.scrollHeight;
    const top = scroller.scrollTop;
    if (await messages.loadOlder(props.conversationId)) {
      scroller.scrollTop = top + (scroller.scrollHeight - before);
    }
  };

  const findRow = (messageId: string): HTMLElement | null =>
    scroller?.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(messageId)}"]`) ?? null;

  const jumpTo = async (messageId: string): Promise<void> => {
    stickToBottom = false;
    await messages.loadUntil(props.conversationId, messageId);
    const element = findRow(messageId);
    if (!element) return;
    reveal(element, 'center');
    element.classList.remove('flash-target');
    void element.offsetWidth;
    element.classList.add('flash-target');
    element.focus({ preventScroll: true });
  };

  const openAtFirstUnread = async (): Promise<void> => {
    const id = await messages.loadUnread(props.conversationId, unreadAtOpen);
    setFirstUnreadId(id);
    const divider = id ? findRow(id) : null;
    if (!divider) return scrollToBottom();
    reveal(divider, 'start');
    updatePosition();
    if (!atBottom()) setNewBelow(unreadAtOpen);
  };

  onMount(() => {
    void messages.load(props.conversationId).then(() => {
      if (props.targetMessageId) void jumpTo(props.targetMessageId);
      else if (unreadAtOpen > 0) void openAtFirstUnread();
      else scrollToBottom();
    });
    // The composer grew (a tall draft) or the window shrank: keep the newest message in view.
    const resizes = new ResizeObserver(() => {
      if (stickToBottom) scrollToBottom();
    });
    if (scroller) resizes.observe(scroller);
    onCleanup(() => resizes.disconnect());
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
        if (!last || last === previousLast || previousLast === undefined) return;
        if (last.key === previousLast.key) return;
        if (stickToBottom || last.mine) queueMicrotask(scrollToBottom);
        else setNewBelow((count) => count + 1);
      },
    ),
  );

  const updatePosition = (): void => {
    if (!scroller) return;
    stickToBottom =
      scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < NEAR_BOTTOM_PX;
    setAtBottom(stickToBottom);
    if (stickToBottom) setNewBelow(0);
  };

  const onScroll = (): void => {
    if (!scroller) return;
    updatePosition();
    if (scroller.scrollTop < NEAR_TOP_PX) void loadOlder();
  };

  const startsDay = (item: ChatItem, index: number): boolean => {
    const previous = items()[index - 1];
    return !previous || !sameDay(previous.createdAt, item.createdAt);
  };

  return (
    <div class="relative flex min-h-0 flex-1 flex-col">
      <div
        ref={scroller}
        class="relative min-h-0 flex-1 overflow-y-auto overscroll-contain focus-visible:outline-offset-[-2px]"
        onScroll={onScroll}
        tabindex="0"
        role="region"
        aria-label={`Message history with ${props.peerName}`}
        data-testid="message-scroller"
      >
        {/* min-h-full + justify-end: a short conversation sits at the bottom, above the composer */}
        <div class="flex min-h-full flex-col justify-end px-4 py-3">
          <Show when={thread().nextBefore !== null}>
            <div class="mb-3 text-center">
              <button
                type="button"
                class="rounded-full px-3 py-1 text-xs text-slate-600 hover:bg-slate-100 dark:text-slate-400 dark:hover:bg-slate-800"
                disabled={thread().loadingOlder}
                onClick={() => void loadOlder()}
              >
                {thread().loadingOlder ? 'Loading earlier messages…' : 'Load earlier messages'}
              </button>
            </div>
          </Show>
          <Show when={thread().loaded && items().length === 0}>
            <p class="mb-10 text-center text-sm text-slate-600 dark:text-slate-400">
              No messages yet. Say hello to {props.peerName}!
            </p>
          </Show>
          <Show when={thread().error}>
            <p role="alert" class="my-2 text-center text-sm text-red-600">
              {thread().error}
            </p>
          </Show>
          <ol
            aria-label={`Messages with ${props.peerName}`}
            class="space-y-1"
            data-testid="messages"
          >
            <For each={items()}>
              {(item, index) => (
                <li
                  class={`relative flex flex-wrap ${item.mine ? 'justify-end' : 'justify-start'} rounded-xl`}
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
                  <Show when={item.id !== null && item.id === firstUnreadId()}>
                    <div
                      class="my-3 flex w-full items-center gap-3 text-xs font-semibold text-accent-700 dark:text-accent-500"
                      data-testid="new-messages-divider"
                    >
                      <span class="h-px flex-1 bg-accent-500/50" aria-hidden="true" />
                      New messages
                      <span class="h-px flex-1 bg-accent-500/50" aria-hidden="true" />
                    </div>
                  </Show>
                  <div
                    class={`max-w-[min(80%,65ch)] rounded-2xl px-3 py-2 shadow-sm ${
                      item.mine
                        ? 'rounded-br-md bg-accent-600 text-white'
                        : 'rounded-bl-md bg-slate-100 text-slate-900 dark:bg-slate-800 dark:text-slate-100'
                    }`}
                  >
                    <span class="sr-only">
                      {item.mine ? 'You' : item.senderName}
                      {': '}
                    </span>
                    <MessageText body={item.body} mine={item.mine} />
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
                </li>
              )}
            </For>
          </ol>
        </div>
      </div>
      <Show when={!atBottom()}>
        <button
          type="button"
          class="absolute right-4 bottom-3 flex items-center gap-1.5 rounded-full border border-slate-200 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 shadow-lg hover:bg-slate-50 dark:border-slate-700 dark:bg-slate-800 dark:text-slate-100 dark:hover:bg-slate-700"
          data-testid="jump-to-latest"
          onClick={() => {
            scroller?.scrollTo({ top: scroller.scrollHeight });
            updatePosition();
          }}
        >
          <ArrowDownIcon class="h-4 w-4" />
          {newBelow() > 0 ? `${newBelow()} new` : 'Latest'}
          <span class="sr-only">: jump to the latest message</span>
        </button>
      </Show>
    </div>
  );
}
