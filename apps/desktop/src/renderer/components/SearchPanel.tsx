import { For } from 'solid-js';
import { useMessageSearch, useRouter } from '../context';
import { formatListTime } from '../lib/format';
import { highlightSegments } from '../lib/highlight';
import { Dialog } from './Dialog';
import { SearchAsYouType } from './SearchAsYouType';

/** Ctrl+K: search every conversation; matches are highlighted; choosing one opens it at that message. */
export function SearchPanel(props: { onClose: () => void }) {
  const search = useMessageSearch();
  const router = useRouter();

  return (
    <Dialog title="Search messages" onClose={() => props.onClose()} wide>
      <SearchAsYouType
        search={search}
        inputId="message-search"
        label="Search messages"
        hint="Type words to find them in your conversations."
        nothingFound={(query) => <>No results for “{query}”.</>}
        nothingFoundTestId="no-results"
        listLabel="Search results"
        listTestId="search-results"
        maxHeight="max-h-[60vh]"
      >
        {(hit) => (
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
                {(segment) => (segment.highlighted ? <mark>{segment.text}</mark> : segment.text)}
              </For>
            </span>
          </button>
        )}
      </SearchAsYouType>
    </Dialog>
  );
}
