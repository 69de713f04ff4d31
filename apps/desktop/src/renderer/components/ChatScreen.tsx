import type { User } from '@parley/protocol';
import { Show, createEffect, createSignal, onCleanup } from 'solid-js';
import { ChatProvider, usePlatform, useRouter } from '../context';
import type { ChatClient } from '../lib/chat-client';
import { createChatServices } from '../stores/chat-services';
import { ChatView } from './ChatView';
import { ConnectionBanner } from './ConnectionBanner';
import { ConversationList } from './ConversationList';
import { GearIcon, PlusIcon, SearchIcon } from './icons';
import { LiveRegion } from './LiveRegion';
import { NewChatDialog } from './NewChatDialog';
import { SearchPanel } from './SearchPanel';
import { SettingsDialog } from './SettingsDialog';

type Panel = 'search' | 'new-chat' | 'settings' | null;

/** The signed-in app: conversation list, the open conversation, and the panels over them. */
export function ChatScreen(props: { client: ChatClient; user: User }) {
  const platform = usePlatform();
  const router = useRouter();
  const chat = createChatServices(props.client, platform, props.user.id);
  const [panel, setPanel] = createSignal<Panel>(null);

  const route = () => {
    const current = router.route();
    return current.name === 'chats' ? current : { conversationId: null, messageId: null };
  };
  createEffect(() => chat.setViewing(route().conversationId));
  onCleanup(
    platform.onOpenConversation((conversationId) =>
      router.navigate({ name: 'chats', conversationId, messageId: null }),
    ),
  );

  const switchConversation = (step: number): void => {
    const list = chat.conversations.ordered();
    if (list.length === 0) return;
    const index = list.findIndex((c) => c.id === route().conversationId);
    const next =
      list[
        index === -1 ? (step > 0 ? 0 : list.length - 1) : (index + step + list.length) % list.length
      ];
    if (next) router.navigate({ name: 'chats', conversationId: next.id, messageId: null });
  };

  const onKeyDown = (event: KeyboardEvent): void => {
    if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'k') {
      event.preventDefault();
      setPanel('search');
    } else if (event.altKey && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
      event.preventDefault();
      switchConversation(event.key === 'ArrowUp' ? -1 : 1);
    } else if (event.key === 'Escape' && panel() !== null) {
      event.preventDefault();
      setPanel(null);
    }
  };
  window.addEventListener('keydown', onKeyDown);
  onCleanup(() => window.removeEventListener('keydown', onKeyDown));

  const iconButton =
    'rounded-lg p-2 text-slate-600 hover:bg-slate-100 hover:text-slate-900 dark:text-slate-400 dark:hover:bg-slate-800 dark:hover:text-slate-100';

  return (
    <ChatProvider value={chat}>
      <div class="flex h-full flex-col">
        <ConnectionBanner />
        <div class="flex min-h-0 flex-1">
          <aside
            class={`${route().conversationId ? 'hidden md:flex' : 'flex'} w-full shrink-0 flex-col border-r border-slate-200 bg-slate-50 md:w-80 dark:border-slate-800 dark:bg-slate-900/60`}
          >
            <div class="flex items-center justify-between px-4 py-3">
              <h1 class="text-lg font-semibold tracking-tight">Chats</h1>
              <div class="flex items-center gap-1">
                <button
                  type="button"
                  class={iconButton}
                  aria-label="Search messages (Ctrl+K)"
                  title="Search (Ctrl+K)"
                  onClick={() => setPanel('search')}
                >
                  <SearchIcon class="h-5 w-5" />
                </button>
                <button
                  type="button"
                  class={iconButton}
                  aria-label="New chat"
                  title="New chat"
                  onClick={() => setPanel('new-chat')}
                >
                  <PlusIcon class="h-5 w-5" />
                </button>
                <button
                  type="button"
                  class={iconButton}
                  aria-label="Settings"
                  title="Settings"
                  onClick={() => setPanel('settings')}
                >
                  <GearIcon class="h-5 w-5" />
                </button>
              </div>
            </div>
            <ConversationList activeId={route().conversationId} />
            <p
              class="border-t border-slate-200 px-4 py-2 text-xs text-slate-600 dark:text-slate-400 dark:border-slate-800"
              data-testid="me"
            >
              Signed in as {props.user.username}
            </p>
          </aside>
          <main
            class={`${route().conversationId ? 'flex' : 'hidden md:flex'} min-w-0 flex-1 flex-col`}
          >
            <Show
              when={route().conversationId}
              keyed
              fallback={
                <div class="flex flex-1 flex-col items-center justify-center gap-3 text-center text-slate-600 dark:text-slate-400">
                  <p class="text-lg font-medium text-slate-700 dark:text-slate-300">
                    Your conversations are private.
                  </p>
                  <p class="text-sm">Choose a conversation, or start a new chat.</p>
                  <button
                    type="button"
                    class="mt-2 rounded-lg bg-accent-600 px-4 py-2 text-sm font-medium text-white hover:bg-accent-700"
                    onClick={() => setPanel('new-chat')}
                  >
                    New chat
                  </button>
                </div>
              }
            >
              {(conversationId) => (
                <ChatView conversationId={conversationId} targetMessageId={route().messageId} />
              )}
            </Show>
          </main>
        </div>
      </div>
      <Show when={panel() === 'search'}>
        <SearchPanel onClose={() => setPanel(null)} />
      </Show>
      <Show when={panel() === 'new-chat'}>
        <NewChatDialog onClose={() => setPanel(null)} />
      </Show>
      <Show when={panel() === 'settings'}>
        <SettingsDialog user={props.user} onClose={() => setPanel(null)} />
      </Show>
      <LiveRegion message={chat.announcement()} />
    </ChatProvider>
  );
}
