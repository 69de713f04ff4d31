import type { Message } from '@parley/protocol';
import { render, screen } from '@solidjs/testing-library';
import { App } from '../App';
import { createFakeClient, fakePlatform, makeConversation, makeMessage } from './fake-client';

/**
 * The app signed in as alice with one conversation with bob, whose history is `history(bobId)`
 * (oldest first), opened. Resolves once the composer is there.
 */
export async function openChatWithBob(
  history: (conversationId: string) => Message[] = (conversationId) => [
    makeMessage({ conversationId, body: 'are you there?', createdAt: 5_000 }),
  ],
  options: { unreadCount?: number; open?: boolean; pageSize?: number } = {},
) {
  const fake = createFakeClient({ user: { id: 'u-alice', username: 'alice', createdAt: 1 } });
  if (options.pageSize !== undefined) fake.data.historyPageSize = options.pageSize;
  const bob = makeConversation({ peerName: 'bob', unreadCount: options.unreadCount ?? 0 });
  const messages = history(bob.id);
  bob.lastMessage = messages[messages.length - 1] ?? null;
  fake.data.conversations = [bob];
  fake.data.messages[bob.id] = messages;
  const platform = fakePlatform();
  window.location.hash = options.open === false ? '' : `#/chats/${bob.id}`;
  render(() => <App client={fake.client} platform={platform} />);
  if (options.open !== false) await screen.findByLabelText('Message');
  else await screen.findByTestId('conversation-list');
  return { fake, bob, platform };
}

/** One of alice's own messages in the conversation. */
export const mine = (conversationId: string, fields: Partial<Message> = {}): Message =>
  makeMessage({
    conversationId,
    senderId: 'u-alice',
    senderName: 'alice',
    status: 'delivered',
    ...fields,
  });

/** The list row of the message with this id. */
export const row = (messageId: string): HTMLElement => {
  const element = document.querySelector<HTMLElement>(
    `li[data-message-id="${CSS.escape(messageId)}"]`,
  );
  if (!element) throw new Error(`no row for message ${messageId}`);
  return element;
};
