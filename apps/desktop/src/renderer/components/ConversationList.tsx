import { For, Show } from 'solid-js';
import { useConversations, useRouter } from '../context';
import { formatListTime } from '../lib/format';
import { PresenceDot } from './PresenceDot';

export function ConversationList(props: { activeId: string | null }) {
  const conversations = useConversations();
  const router = useRouter();
  return (
    <nav aria-label="Conversations" class="min-h-0 flex-1 overflow-y-auto">
      <Show
        when={conversations.ordered().length > 0}
        fallback={
          <p
            class="px-4 py-6 text-sm text-slate-600 dark:text-slate-400"
            data-testid="no-conversations"
          >
            {conversations.state.loaded
              ? 'No conversations yet. Start one with “New chat”.'
              : 'Loading conversations…'}
          </p>
        }
      >
        <ul class="space-y-0.5 p-2" data-testid="conversation-list">
          <For each={conversations.ordered()}>
            {(conversation) => {
              const preview = () => conversations.preview(conversation.id);
              const active = () => props.activeId === conversation.id;
              return (
                <li>
                  <a
                    href={`#/chats/${encodeURIComponent(conversation.id)}`}
                    aria-current={active() ? 'page' : undefined}
                    data-conversation={conversation.peer.username}
                    onClick={(event) => {
                      event.preventDefault();
                      router.navigate({
                        name: 'chats',
                        conversationId: conversation.id,
                        messageId: null,
                      });
                    }}
                    class={`flex items-center gap-3 rounded-xl px-3 py-2.5 ${
                      active()
                        ? 'bg-accent-50 dark:bg-slate-800'
                        : 'hover:bg-slate-100 dark:hover:bg-slate-800/60'
                    }`}
                  >
                    <span class="relative">
                      <span
                        class="flex h-10 w-10 items-center justify-center rounded-full bg-slate-200 text-sm font-semibold uppercase text-slate-700 dark:bg-slate-700 dark:text-slate-200"
                        aria-hidden="true"
                      >
                        {conversation.peer.username.slice(0, 1)}
                      </span>
                      <PresenceDot peer={conversation.peer} class="absolute right-0 bottom-0" />
                    </span>
                    <span class="min-w-0 flex-1">
                      <span class="flex items-baseline justify-between gap-2">
                        <span
                          class={`truncate ${conversation.peer.deleted ? 'italic text-slate-600 dark:text-slate-400' : 'font-medium'}`}
                        >
                          {conversation.peer.username}
                        </span>
                        <Show when={preview()}>
                          {(shown) => (
                            <time
                              class="shrink-0 text-xs text-slate-600 dark:text-slate-400"
                              datetime={new Date(shown().createdAt).toISOString()}
                            >
                              {formatListTime(shown().createdAt)}
                            </time>
                          )}
                        </Show>
                      </span>
                      <span class="flex items-center justify-between gap-2">
                        <span
                          class="truncate text-sm text-slate-600 dark:text-slate-400"
                          data-testid="preview"
                        >
                          <Show
                            when={!conversations.isTyping(conversation.id)}
                            fallback={
                              <span
                                class="font-medium text-accent-700 italic dark:text-accent-500"
                                data-testid="typing"
                              >
                                {conversation.peer.username} is typing…
                              </span>
                            }
                          >
                            <Show
                              when={preview()}
                              fallback={<span class="italic">No messages yet</span>}
                            >
                              {(shown) => (
                                <>
                                  <Show when={shown().mine}>
                                    <span class="text-slate-600 dark:text-slate-400">You: </span>
                                  </Show>
                                  <Show
                                    when={!shown().deleted}
                                    fallback={<span class="italic">This message was deleted</span>}
                                  >
                                    {shown().body}
                                  </Show>
                                </>
                              )}
                            </Show>
                          </Show>
                        </span>
                        <Show when={conversation.unreadCount > 0}>
                          <span
                            class="min-w-5 shrink-0 rounded-full bg-accent-600 px-1.5 text-center text-xs font-semibold leading-5 text-white"
                            data-testid="unread-badge"
                          >
                            {conversation.unreadCount}
                            <span class="sr-only"> unread</span>
                          </span>
                        </Show>
                      </span>
                    </span>
                  </a>
                </li>
              );
            }}
          </For>
        </ul>
      </Show>
    </nav>
  );
}
