import { For, Match, Show, Switch, createSignal, onCleanup } from 'solid-js';
import { useConversations, useRouter, useUserSearch } from '../context';
import { errorInfo } from '../lib/errors';
import { Dialog, moveThroughResults } from './Dialog';
import { PresenceDot } from './PresenceDot';

/** "New chat": find people as you type, pick one, land in the conversation with them. */
export function NewChatDialog(props: { onClose: () => void }) {
  const search = useUserSearch();
  const conversations = useConversations();
  const router = useRouter();
  let container: HTMLDivElement | undefined;
  const [error, setError] = createSignal<string | null>(null);
  onCleanup(() => search.clear());

  const start = async (userId: string): Promise<void> => {
    setError(null);
    try {
      const conversationId = await conversations.open(userId);
      props.onClose();
      router.navigate({ name: 'chats', conversationId, messageId: null });
    } catch (caught) {
      setError(errorInfo(caught).message);
    }
  };

  return (
    <Dialog title="New chat" onClose={() => props.onClose()}>
      <div ref={container} onKeyDown={(event) => moveThroughResults(event, container)}>
        <div class="p-4">
          <label for="user-search" class="sr-only">
            Search people by username
          </label>
          <input
            id="user-search"
            type="search"
            autofocus
            autocomplete="off"
            placeholder="Search people by username"
            value={search.state.query}
            onInput={(event) => search.setQuery(event.currentTarget.value)}
            class="block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 focus:border-accent-500 focus:ring-2 focus:ring-accent-500/30 focus:outline-none dark:border-slate-700 dark:bg-slate-950"
          />
          <Show when={error()}>
            <p role="alert" class="mt-2 text-sm text-red-600 dark:text-red-400">
              {error()}
            </p>
          </Show>
        </div>
        <div
          class="max-h-80 overflow-y-auto border-t border-slate-200 dark:border-slate-800"
          aria-live="polite"
        >
          <Switch>
            <Match when={search.state.status === 'idle'}>
              <p class="px-4 py-6 text-sm text-slate-600 dark:text-slate-400">
                Type a username to find someone.
              </p>
            </Match>
            <Match when={search.state.status === 'error'}>
              <p class="px-4 py-6 text-sm text-red-600">{search.state.error}</p>
            </Match>
            <Match when={search.state.status === 'done' && search.state.results.length === 0}>
              <p class="px-4 py-6 text-sm text-slate-600 dark:text-slate-400">
                No one found for “{search.state.query}”.
              </p>
            </Match>
            <Match when={search.state.results.length > 0}>
              <ul aria-label="People" data-testid="user-results">
                <For each={search.state.results}>
                  {(user) => (
                    <li>
                      <button
                        type="button"
                        class="flex w-full items-center gap-3 px-4 py-2.5 text-left hover:bg-slate-100 focus:bg-slate-100 dark:hover:bg-slate-800 dark:focus:bg-slate-800"
                        onClick={() => void start(user.id)}
                        data-user={user.username}
                      >
                        <PresenceDot peer={{ online: user.online, deleted: false }} />
                        <span class="font-medium">{user.username}</span>
                      </button>
                    </li>
                  )}
                </For>
              </ul>
            </Match>
            <Match when={search.state.status === 'loading'}>
              <p class="px-4 py-6 text-sm text-slate-600 dark:text-slate-400">Searching…</p>
            </Match>
          </Switch>
        </div>
      </div>
    </Dialog>
  );
}
