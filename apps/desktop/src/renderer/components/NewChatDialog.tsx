import { createSignal } from 'solid-js';
import { useConversations, useRouter, useUserSearch } from '../context';
import { errorInfo } from '../lib/errors';
import { Dialog } from './Dialog';
import { ErrorAlert } from './ErrorAlert';
import { PresenceDot } from './PresenceDot';
import { SearchAsYouType } from './SearchAsYouType';

/** "New chat": find people as you type, pick one, land in the conversation with them. */
export function NewChatDialog(props: { onClose: () => void }) {
  const search = useUserSearch();
  const conversations = useConversations();
  const router = useRouter();
  const [error, setError] = createSignal<string | null>(null);

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
      <SearchAsYouType
        search={search}
        inputId="user-search"
        label="Search people by username"
        hint="Type a username to find someone."
        nothingFound={(query) => <>No one found for “{query}”.</>}
        listLabel="People"
        listTestId="user-results"
        maxHeight="max-h-80"
        belowInput={<ErrorAlert message={error()} class="mt-2" />}
      >
        {(user) => (
          <button
            type="button"
            class="flex w-full items-center gap-3 px-4 py-2.5 text-left hover:bg-slate-100 focus:bg-slate-100 dark:hover:bg-slate-800 dark:focus:bg-slate-800"
            onClick={() => void start(user.id)}
            data-user={user.username}
          >
            <PresenceDot peer={{ online: user.online, deleted: false }} />
            <span class="font-medium">{user.username}</span>
          </button>
        )}
      </SearchAsYouType>
    </Dialog>
  );
}
