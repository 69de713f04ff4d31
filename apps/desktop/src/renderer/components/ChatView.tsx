import { Show, createSignal, onCleanup } from 'solid-js';
import { useChat, useConnection, useConversations, useRouter } from '../context';
import { fileDropZone } from '../lib/file-drop-zone';
import { formatLastSeen } from '../lib/format';
import { Composer } from './Composer';
import { BackIcon } from './icons';
import { MessageList } from './MessageList';
import { PresenceDot } from './PresenceDot';

/** One conversation: the peer and their presence, the messages, the composer. */
export function ChatView(props: { conversationId: string; targetMessageId: string | null }) {
  const conversations = useConversations();
  const router = useRouter();
  const connection = useConnection();
  const chat = useChat();
  const conversation = () => conversations.get(props.conversationId);
  const [now, setNow] = createSignal(Date.now());
  const timer = setInterval(() => setNow(Date.now()), 30_000);
  onCleanup(() => clearInterval(timer));

  return (
    <Show
      when={conversation()}
      fallback={
        <div class="flex flex-1 items-center justify-center text-sm text-slate-600 dark:text-slate-400">
          {conversations.state.loaded ? 'This conversation is not available.' : 'Loading…'}
        </div>
      }
    >
      {(current) => (
        <section
          ref={(element) =>
            onCleanup(
              fileDropZone(
                element,
                (files) => chat.sendFiles(props.conversationId, files),
                () => !current().peer.deleted,
              ),
            )
          }
          data-testid="chat-drop-zone"
          class="flex min-h-0 min-w-0 flex-1 flex-col data-[dragging]:ring-4 data-[dragging]:ring-accent-500/60 data-[dragging]:ring-inset"
          aria-label={`Conversation with ${current().peer.username}`}
        >
          <header class="flex items-center gap-3 border-b border-slate-200 px-4 py-3 dark:border-slate-800">
            <button
              type="button"
              class="-ml-2 rounded-lg p-1.5 text-slate-600 hover:bg-slate-100 md:hidden dark:text-slate-400 dark:hover:bg-slate-800"
              aria-label="Back to conversations"
              onClick={() =>
                router.navigate({ name: 'chats', conversationId: null, messageId: null })
              }
            >
              <BackIcon class="h-5 w-5" />
            </button>
            <PresenceDot peer={current().peer} />
            <div class="min-w-0">
              <h2
                class={`truncate font-semibold ${current().peer.deleted ? 'italic text-slate-600 dark:text-slate-400' : ''}`}
                data-testid="peer-name"
              >
                {current().peer.username}
              </h2>
              <Show
                when={
                  !current().peer.deleted &&
                  connection.live() &&
                  conversations.isTyping(props.conversationId)
                }
                fallback={
                  <p class="text-xs text-slate-600 dark:text-slate-400" data-testid="peer-status">
                    {current().peer.deleted
                      ? 'This account was deleted'
                      : !connection.live()
                        ? 'Not connected: presence unknown'
                        : current().peer.online
                          ? 'Online'
                          : formatLastSeen(current().peer.lastSeenAt, now())}
                  </p>
                }
              >
                <p
                  class="text-xs font-medium text-accent-700 italic dark:text-accent-500"
                  data-testid="peer-status"
                  data-typing="true"
                >
                  {current().peer.username} is typing…
                </p>
              </Show>
            </div>
          </header>
          <MessageList
            conversationId={props.conversationId}
            peerName={current().peer.username}
            targetMessageId={props.targetMessageId}
            readOnly={current().peer.deleted}
          />
          <Composer
            conversationId={props.conversationId}
            disabled={
              current().peer.deleted ? 'You can no longer reply: this account was deleted.' : null
            }
          />
        </section>
      )}
    </Show>
  );
}
