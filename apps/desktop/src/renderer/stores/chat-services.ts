import type { ChatEvent } from '@parley/protocol';
import { createEffect, createSignal, on, onCleanup } from 'solid-js';
import type { OutboxEntry } from '@parley/client';
import type { ChatClient } from '../lib/chat-client';
import type { Platform } from '../lib/platform';
import { createConversationsStore } from './conversations-store';
import { createDraftStore } from './draft-store';
import { createMessagesStore } from './messages-store';
import { createNotificationPrefs } from './notification-prefs';
import { createMessageSearchStore, createUserSearchStore } from './search-store';

/**
 * Everything a signed-in user's screen needs, created when they sign in and dropped when they sign
 * out (so nothing of theirs is left in memory for the next user or the back button). One
 * subscription to the client feeds every store.
 */
export function createChatServices(client: ChatClient, platform: Platform, userId: string) {
  const selfId = (): string => userId;
  const conversations = createConversationsStore(client, selfId);
  const messages = createMessagesStore(client, selfId);
  const drafts = createDraftStore(platform.storage, userId);
  const messageSearch = createMessageSearchStore(client);
  const userSearch = createUserSearchStore(client, selfId);
  const notificationPrefs = createNotificationPrefs(platform.storage, userId);
  const [viewing, setViewing] = createSignal<string | null>(null);
  const [announcement, setAnnouncement] = createSignal('');

  const visible = (): boolean => document.visibilityState === 'visible';
  const isViewing = (conversationId: string): boolean => viewing() === conversationId && visible();

  const markViewedRead = (): void => {
    const id = viewing();
    if (!id || !visible()) return;
    const conversation = conversations.get(id);
    const last = messages.lastMessageId(id) ?? conversation?.lastMessage?.id ?? null;
    if (conversation && last && conversation.unreadCount > 0) void conversations.markRead(id, last);
  };

  const onEvent = (event: ChatEvent): void => {
    if (event.type === 'peer-deleted') {
      messages.applyPeerDeleted(
        event.conversationId,
        conversations.get(event.conversationId)?.peer.id ?? null,
      );
    }
    conversations.applyEvent(event, isViewing);
    messages.applyEvent(event);
    if (event.type === 'message' && event.message.senderId !== userId) {
      const { message } = event;
      setAnnouncement(`New message from ${message.senderName}: ${message.body}`);
      if (isViewing(message.conversationId))
        void conversations.markRead(message.conversationId, message.id);
      const background = document.visibilityState === 'hidden' || !document.hasFocus();
      if (background && notificationPrefs.prefs.enabled) {
        platform.notify({
          conversationId: message.conversationId,
          title: message.senderName,
          body: notificationPrefs.prefs.showText ? message.body : 'New message',
        });
      }
    }
  };
  onCleanup(client.onEvent(onEvent));
  onCleanup(client.onPresence((event) => conversations.applyPresence(event)));
  const onOutbox = (entries: OutboxEntry[]): void => {
    conversations.applyOutbox(entries);
    messages.applyOutbox(entries);
  };
  onOutbox(client.outbox());
  onCleanup(client.onOutboxChange(onOutbox));

  // After a reconnect, refresh the list (presence and unread counts may have moved meanwhile).
  let wasOnline = client.connection().kind === 'online';
  onCleanup(
    client.onConnectionChange((state) => {
      const online = state.kind === 'online';
      if (online && !wasOnline) void conversations.load();
      wasOnline = online;
    }),
  );

  createEffect(() => platform.setUnreadCount(conversations.totalUnread()));
  createEffect(on(viewing, markViewedRead));
  const onVisibility = (): void => markViewedRead();
  // A draft typed just before closing the window is written then (localStorage is synchronous).
  const onPageHide = (): void => void drafts.flush();
  document.addEventListener('visibilitychange', onVisibility);
  window.addEventListener('focus', onVisibility);
  window.addEventListener('pagehide', onPageHide);
  onCleanup(() => {
    document.removeEventListener('visibilitychange', onVisibility);
    window.removeEventListener('focus', onVisibility);
    window.removeEventListener('pagehide', onPageHide);
    platform.setUnreadCount(0);
  });

  void conversations.load();
  void drafts.load();
  void notificationPrefs.load();

  /**
   * The browser's notification permission is asked once, right after the person sends their first
   * message (they are clearly using the chat, and it is a key press the browser accepts as a
   * gesture); never on load. Settings can ask again later.
   */
  const askForNotificationsOnce = (): void => {
    const { enabled, asked } = notificationPrefs.prefs;
    if (!enabled || asked || platform.notificationPermission() !== 'default') return;
    notificationPrefs.set({ asked: true });
    void platform.requestNotificationPermission();
  };

  return {
    conversations,
    messages,
    drafts,
    messageSearch,
    userSearch,
    notificationPrefs,
    viewing,
    setViewing,
    markViewedRead,
    announcement,
    announce: setAnnouncement,
    send(conversationId: string, body: string): OutboxEntry {
      const entry = client.send(conversationId, body);
      onOutbox(client.outbox());
      askForNotificationsOnce();
      return entry;
    },
  };
}

export type ChatServices = ReturnType<typeof createChatServices>;
