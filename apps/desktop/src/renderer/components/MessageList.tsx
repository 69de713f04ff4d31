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
import { limits } from '@parley/protocol';
import { useChat, useCompose, useConversations, useMessages } from '../context';
import { formatDay, sameDay } from '../lib/format';
import { replyRefOf, type ChatItem } from '../stores/messages-store';
import { DeleteMessageDialog } from './DeleteMessageDialog';
import { ArrowDownIcon } from './icons';
import { MessageBubble } from './MessageBubble';
import type { MessageAction } from './MessageMenu';

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
  /** The peer's account is deleted: nobody to reply to. */
  readOnly: boolean;
}) {
  const chat = useChat();
  const compose = useCompose();
  const messages = useMessages();
  const conversations = useConversations();
  const [menuFor, setMenuFor] = createSignal<string | null>(null);
  const [deleting, setDeleting] = createSignal<ChatItem | null>(null);
  const [now, setNow] = createSignal(Date.now());
  const clock = setInterval(() => setNow(Date.now()), 60_000);
  onCleanup(() => clearInterval(clock));
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
    reportOnScreen();
  };

  /**
   * Tells the chat which stored message is the newest one on screen (what may be marked read): the
   * last row whose box reaches into the visible part of the list.
   */
  const reportOnScreen = (): void => {
    if (!scroller) return;
    const box = scroller.getBoundingClientRect();
    const rows = scroller.querySelectorAll<HTMLElement>('li[data-message-id]');
    for (let index = rows.length - 1; index >= 0; index--) {
      const row = rows[index];
      if (!row) continue;
      const rect = row.getBoundingClientRect();
      if (rect.top <= box.bottom && rect.bottom >= box.top) {
        const id = row.dataset.messageId;
        if (id) chat.reportOnScreen(props.conversationId, id);
        return;
      }
    }
  };
  let reportFrame = 0;
  const reportSoon = (): void => {
    if (reportFrame) return;
    reportFrame = requestAnimationFrame(() => {
      reportFrame = 0;
      reportOnScreen();
    });
  };
  onCleanup(() => cancelAnimationFrame(reportFrame));

  const openAtFirstUnread = async (): Promise<void> => {
    const id = await messages.loadUnread(props.conversationId, unreadAtOpen);
    setFirstUnreadId(id);
    const divider = id ? findRow(id) : null;
    if (!divider) return scrollToBottom();
    reveal(divider, 'start');
    updatePosition();
    reportSoon();
    if (!atBottom()) setNewBelow(unreadAtOpen);
  };

  onMount(() => {
    void messages.load(props.conversationId).then(() => {
      if (props.targetMessageId) void jumpTo(props.targetMessageId);
      else if (unreadAtOpen > 0) void openAtFirstUnread();
      else {
        scrollToBottom();
        reportSoon();
      }
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
        reportSoon();
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
    reportSoon();
    if (scroller.scrollTop < NEAR_TOP_PX) void loadOlder();
  };

  const editWindowMs = limits.editWindowSecondsDefault * 1000;

  /** What the menu offers for a message: only what the server would accept. */
  const actionsFor = (item: ChatItem): MessageAction[] => {
    const id = item.id;
    if (id === null || item.deletedAt !== null) return [];
    const actions: MessageAction[] = [];
    if (!props.readOnly)
      actions.push({
        label: 'Reply',
        run: () => {
          compose.startReply(
            props.conversationId,
            replyRefOf({
              id,
              senderName: item.mine ? 'You' : item.senderName,
              body: item.body,
              deletedAt: null,
            }),
          );
          focusComposer();
        },
      });
    if (item.mine && now() - item.createdAt < editWindowMs)
      actions.push({
        label: 'Edit',
        run: () => {
          compose.startEdit(props.conversationId, id, item.body);
          focusComposer();
        },
      });
    if (item.mine)
      actions.push({ label: 'Delete for everyone', danger: true, run: () => setDeleting(item) });
    actions.push({
      label: 'Copy text',
      run: () =>
        void navigator.clipboard?.writeText(item.body).then(
          () => chat.announce('Copied'),
          () => chat.announce('Could not copy: the browser did not allow it'),
        ),
    });
    return actions;
  };

  const focusComposer = (): void => {
    queueMicrotask(() => document.querySelector<HTMLTextAreaElement>('#composer-input')?.focus());
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
                  class={`group relative flex flex-wrap ${item.mine ? 'justify-end' : 'justify-start'} rounded-xl`}
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
                  <MessageBubble
                    item={item}
                    actions={actionsFor(item)}
                    menuOpen={menuFor() === item.key}
                    onMenu={(open) => setMenuFor(open ? item.key : null)}
                    onQuote={(messageId) => void jumpTo(messageId)}
                  />
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
      <Show when={deleting()}>
        {(item) => (
          <DeleteMessageDialog
            excerpt={replyRefOf({ ...item(), id: item().id ?? '' }).excerpt}
            onConfirm={() => chat.deleteForEveryone(props.conversationId, item().id ?? '')}
            onClose={() => setDeleting(null)}
          />
        )}
      </Show>
    </div>
  );
}
