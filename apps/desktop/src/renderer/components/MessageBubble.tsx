import { Show, onCleanup } from 'solid-js';
import { formatFull, formatTime } from '../lib/format';
import type { ChatItem } from '../stores/messages-store';
import { AttachmentView } from './AttachmentView';
import { MessageMenu, type MessageAction } from './MessageMenu';
import { MessageText } from './MessageText';
import { StatusIcon } from './StatusIcon';

const LONG_PRESS_MS = 500;
/** A finger that moves this far is scrolling, not pressing. */
const LONG_PRESS_SLOP_PX = 10;

/**
 * One message: the quote it replies to (a button that jumps to the original), its text or the
 * tombstone of a deleted one, time, "edited", our delivery state, and its menu (button, right-click,
 * long press).
 */
export function MessageBubble(props: {
  item: ChatItem;
  actions: MessageAction[];
  menuOpen: boolean;
  onMenu: (open: boolean) => void;
  onQuote: (messageId: string) => void;
}) {
  const item = () => props.item;
  const deleted = () => item().deletedAt !== null;
  let pressTimer: ReturnType<typeof setTimeout> | undefined;
  let pressStart: { x: number; y: number } | null = null;
  const cancelPress = (): void => {
    clearTimeout(pressTimer);
    pressStart = null;
  };
  onCleanup(cancelPress);

  const hasActions = () => props.actions.length > 0;
  const menu = () => (
    <Show when={hasActions()}>
      <MessageMenu
        open={props.menuOpen}
        actions={props.actions}
        describedAs={`Actions for ${item().mine ? 'your message' : `${item().senderName}’s message`}`}
        align={item().mine ? 'end' : 'start'}
        onOpen={() => props.onMenu(true)}
        onClose={() => props.onMenu(false)}
      />
    </Show>
  );

  return (
    <div
      class={`flex max-w-[min(88%,calc(65ch+2.5rem))] items-start ${item().mine ? 'flex-row' : 'flex-row-reverse'}`}
    >
      {menu()}
      <div
        class={`min-w-0 rounded-2xl px-3 py-2 shadow-sm ${
          item().mine
            ? 'rounded-br-md bg-accent-600 text-white'
            : 'rounded-bl-md bg-slate-100 text-slate-900 dark:bg-slate-800 dark:text-slate-100'
        }`}
        data-testid="bubble"
        onContextMenu={(event) => {
          if (!hasActions()) return;
          event.preventDefault();
          props.onMenu(true);
        }}
        onPointerDown={(event) => {
          if (event.pointerType !== 'touch' || !hasActions()) return;
          pressStart = { x: event.clientX, y: event.clientY };
          clearTimeout(pressTimer);
          pressTimer = setTimeout(() => {
            pressStart = null;
            props.onMenu(true);
          }, LONG_PRESS_MS);
        }}
        onPointerMove={(event) => {
          if (!pressStart) return;
          const moved = Math.hypot(event.clientX - pressStart.x, event.clientY - pressStart.y);
          if (moved > LONG_PRESS_SLOP_PX) cancelPress();
        }}
        onPointerUp={cancelPress}
        onPointerCancel={cancelPress}
      >
        <span class="sr-only">
          {item().mine ? 'You' : item().senderName}
          {': '}
        </span>
        <Show when={item().replyTo}>
          {(quoted) => (
            <button
              type="button"
              class={`mb-1 block w-full rounded-lg border-l-4 px-2 py-1 text-left text-xs ${
                item().mine
                  ? 'border-white/70 bg-white/15 text-white hover:bg-white/25'
                  : 'border-accent-500 bg-white/70 text-slate-700 hover:bg-white dark:bg-slate-900/50 dark:text-slate-300 dark:hover:bg-slate-900'
              }`}
              data-testid="reply-quote"
              data-reply-to={quoted().id}
              aria-label={`In reply to ${quoted().senderName}: ${
                quoted().deleted ? 'original message deleted' : quoted().excerpt
              }. Show the original message.`}
              onClick={() => props.onQuote(quoted().id)}
            >
              <span class="block font-semibold">{quoted().senderName}</span>
              <span
                class={`line-clamp-2 break-words ${quoted().deleted ? 'italic' : ''}`}
                dir="auto"
              >
                {quoted().deleted ? 'Original message deleted' : quoted().excerpt}
              </span>
            </button>
          )}
        </Show>
        <AttachmentView item={item()} />
        <Show
          when={!deleted()}
          fallback={
            <p class="italic opacity-80" data-testid="tombstone">
              This message was deleted
            </p>
          }
        >
          <MessageText body={item().body} mine={item().mine} />
        </Show>
        <div
          class={`mt-0.5 flex items-center justify-end gap-1 text-[11px] ${item().mine ? 'text-white' : 'text-slate-600 dark:text-slate-400'}`}
        >
          <Show when={item().editedAt !== null && !deleted()}>
            <span
              data-testid="edited"
              title={
                item().editedAt === null ? undefined : `Edited ${formatFull(item().editedAt ?? 0)}`
              }
            >
              edited
            </span>
          </Show>
          <time
            datetime={new Date(item().createdAt).toISOString()}
            title={formatFull(item().createdAt)}
          >
            {formatTime(item().createdAt)}
          </time>
          <Show when={item().mine && !deleted()}>
            <StatusIcon status={item().status} />
          </Show>
        </div>
        <Show when={item().mine && item().error && item().status === 'failed'}>
          <p class="mt-1 text-xs text-red-100">{item().error}</p>
        </Show>
      </div>
    </div>
  );
}
