import { For, Match, Switch, onCleanup } from 'solid-js';
import { useMessageSearch, useRouter } from '../context';
import { formatListTime } from '../lib/format';
import { highlightSegments } from '../lib/highlight';
import { Dialog, moveThroughResults } from './Dialog';

/** Ctrl+K: search every conversation; matches are highlighted; choosing one opens it at that message. */
export function SearchPanel(props: { onClose: () => void }) {
  const search = useMessageSearch();
  const router = useRouter();
  let container: HTMLDivElement | undefined;
  onCleanup(() => search.clear());

  return (
    <Dialog title="Search messages" onClose={() => props.onClose()} wide>
      <div ref={container} onKeyDown={(event) => moveThroughResults(event, container)}>
        <div class="p-4">
          <label for="message-search" class="sr-only">
            Search messages
          </label>
          <input
            id="message-search"
            type="search"
            autofocus
            autocomplete="off"
            placeholder="Search messages"
            value={search.state.query}
            onInput={(event) => search.setQuery(event.currentTarget.value)}
            class="block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 focus:border-accent-500 focus:ring-2 focus:ring-accent-500/30 focus:outline-none dark:border-slate-700 dark:bg-slate-950"
          />
        </div>
        <div
          class="max-h-[60vh] overflow-y-auto border-t border-slate-200 dark:border-slate-800"
          aria-live="polite"
        >
          <Switch>
            <Match when={search.state.status === 'idle'}>
              <p class="px-4 py-6 text-sm text-slate-600 dark:text-slate-400">
                Type words to find them in your conversations.
              </p>
            </Match>
            <Match when={search.state.status === 'error'}>
              <p class="px-4 py-6 text-sm text-red-600">{search.state.error}</p>
            </Match>
            <Match when={search.state.status === 'done' && search.state.results.length === 0}>
              <p
                class="px-4 py-6 text-sm text-slate-600 dark:text-slate-400"
                data-testid="no-results"
              >
                No results for “{search.state.query}”.
              </p>
            </Match>
            <Match when={search.state.results.length > 0}>
              <ul aria-label="Search results" data-testid="search-results">
                <For each={search.state.results}>
                  {(hit) => (
                    <li>
                      <button
                        type="button"
                        class="block w-full px-4 py-3 text-left hover:bg-slate-100 focus:bg-slate-100 dark:hover:bg-slate-800 dark:focus:bg-slate-800"
                        onClick={() => {
                          props.onClose();
                          router.navigate({
                            name: 'chats',
                            conversationId: hit.conversation.id,
                            messageId: hit.message.id,
                          });
                        }}
                      >
                        <span class="flex items-baseline justify-between gap-2 text-sm">
                          <span class="font-medium">
                            {hit.message.senderName}
                            <span class="font-normal text-slate-600 dark:text-slate-400">
                              {' '}
                              · with {hit.conversation.peer.username}
                            </span>
                          </span>
                          <time class="shrink-0 text-xs text-slate-600 dark:text-slate-400">
                            {formatListTime(hit.message.createdAt)}
                          </time>
                        </span>
                        <span
                          class="mt-0.5 block text-sm text-slate-700 dark:text-slate-300"
                          data-testid="snippet"
                        >
                          <For each={highlightSegments(hit.snippet, hit.highlights)}>
                            {(segment) =>
                              segment.highlighted ? <mark>{segment.text}</mark> : segment.text
                            }
                          </For>
                        </span>
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
