import type { ChatEvent, Message } from '@parley/protocol';
import { createEffect, createSignal, on, onCleanup } from 'solid-js';
import { compareMessageIds, type OutboxEntry } from '@parley/client';
import type { ChatClient } from '../lib/chat-client';
import { sendingCheck } from '../lib/connection-checks';
import type { Platform } from '../lib/platform';
import { createAccountSettingsStore } from './account-settings-store';
import { createComposeStore } from './compose-store';
import { createConversationsStore } from './conversations-store';
import { createDownloadedFiles } from './downloaded-files';
import { createDraftStore } from './draft-store';
import { createMessagesStore } from './messages-store';
import { createNotificationPrefs } from './notification-prefs';
import { createMessageSearchStore, createUserSearchStore } from './search-store';

const MARK_READ_EVERY_MS = 500;

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
  const accountSettings = createAccountSettingsStore(client);
  const compose = createComposeStore();
  const files = createDownloadedFiles(client);
  onCleanup(() => files.clear());
  const [viewing, setViewing] = createSignal<string | null>(null);
  const [announcement, setAnnouncement] = createSignal('');
  /** The newest stored message the open conversation's list has on screen (reported by the list). */
  const [onScreen, setOnScreen] = createSignal<{
    conversationId: string;
    messageId: string;
  } | null>(null);

  const visible = (): boolean => document.visibilityState === 'visible';
  /** The person can see the conversation: it is open, the page visible, the window focused. */
  const isViewing = (conversationId: string): boolean =>
    viewing() === conversationId && visible() && document.hasFocus();

  /** Per conversation: the id markRead was last sent up to, and the newest incoming message not yet marked. */
  const markedUpTo: Record<string, string> = {};
  const unmarkedIncoming: Record<string, string> = {};

  /**
   * Marks read what the person has seen: only while the conversation is open, the page visible and
   * the window focused, and only up to the newest message that was on screen (the peer's read
   * receipt means "seen", not "arrived").
   */
  let lastMarkAt = 0;
  let markTimer: ReturnType<typeof setTimeout> | undefined;
  /** Scrolling through a long conversation marks read at most twice a second, the newest seen last. */
  const markSoon = (): void => {
    if (markTimer !== undefined) return;
    markTimer = setTimeout(
      () => {
        markTimer = undefined;
        markViewedRead();
      },
      Math.max(0, lastMarkAt + MARK_READ_EVERY_MS - Date.now()),
    );
  };
  onCleanup(() => clearTimeout(markTimer));

  const markViewedRead = (): void => {
    const id = viewing();
    const seen = onScreen();
    if (!id || !isViewing(id) || seen?.conversationId !== id) return;
    const conversation = conversations.get(id);
    if (!conversation) return;
    if (conversation.unreadCount === 0 && unmarkedIncoming[id] === undefined) return;
    const previous = markedUpTo[id];
    if (previous !== undefined && !(compareMessageIds(seen.messageId, previous) > 0)) return;
    markedUpTo[id] = seen.messageId;
    lastMarkAt = Date.now();
    const pending = unmarkedIncoming[id];
    if (pending !== undefined && compareMessageIds(pending, seen.messageId) <= 0)
      delete unmarkedIncoming[id];
    const newest = messages.lastMessageId(id) ?? conversation.lastMessage?.id ?? null;
    void conversations.markRead(id, seen.messageId, seen.messageId === newest);
  };

  let announcedMessageId: string | null = null;
  const announce = (text: string, messageId: string | null = null): void => {
    announcedMessageId = messageId;
    setAnnouncement(text);
  };
  const forgetAnnounced = (messageId: string): void => {
    if (announcedMessageId === messageId) announce('');
  };
  /** An edit or delete of ours, answered: both the list and the thread show it at once. */
  const applyOwnUpdate = (message: Message): void => {
    conversations.applyEvent({ type: 'message-updated', message }, isViewing);
    messages.applyUpdated(message);
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
    // A deleted message's text must not linger for screen readers either.
    if (event.type === 'message-updated' && event.message.deletedAt !== null) {
      forgetAnnounced(event.message.id);
      // Deleted from another device while being edited here: there is nothing left to edit.
      const { conversationId, id } = event.message;
      if (compose.editing(conversationId)?.messageId === id) compose.cancelEdit(conversationId);
    }
    if (event.type === 'message' && event.message.senderId !== userId) {
      const { message } = event;
      announce(`New message from ${message.senderName}: ${message.body}`, message.id);
      unmarkedIncoming[message.conversationId] = message.id;
      // Marked read once the list has shown it (it follows new messages when at the bottom).
      markSoon();
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
      if (!online) conversations.clearTyping();
      wasOnline = online;
    }),
  );

  createEffect(() => platform.setUnreadCount(conversations.totalUnread()));
  createEffect(on([viewing, onScreen], markSoon));
  // Leaving a conversation ends our typing indicator there.
  createEffect(
    on(viewing, (_current, previous) => {
      if (previous) client.typing.stopped(previous);
    }),
  );
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
  void accountSettings.load();
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
    accountSettings,
    compose,
    viewing,
    setViewing,
    markViewedRead,
    /** The list of the open conversation shows messages up to `messageId` on screen now. */
    reportOnScreen(conversationId: string, messageId: string): void {
      const current = onScreen();
      if (current?.conversationId === conversationId && current.messageId === messageId) return;
      setOnScreen({ conversationId, messageId });
    },
    announcement,
    announce: (text: string): void => announce(text),
    send(conversationId: string, body: string, replyToId?: string): OutboxEntry {
      // The message goes over HTTP either way; a dead socket would only hide its delivery and the
      // answer, so a socket silent for a while is checked (and replaced) alongside.
      void client.checkConnection(sendingCheck);
      const entry = client.send(
        conversationId,
        body,
        replyToId === undefined ? undefined : { replyToId },
      );
      onOutbox(client.outbox());
      askForNotificationsOnce();
      return entry;
    },
    /** Sends each file as a message of its own (uploaded first by the outbox). */
    sendFiles(conversationId: string, chosen: File[]): void {
      for (const file of chosen) {
        client.send(conversationId, '', {
          file: { body: file, name: file.name || 'file', contentType: file.type },
        });
      }
      onOutbox(client.outbox());
      askForNotificationsOnce();
    },
    cancelSend: (clientId: string): boolean => client.cancelSend(clientId),
    retrySend: (clientId: string): boolean => client.retrySend(clientId),
    /** Downloaded files as object URLs (thumbnails, Download buttons). */
    files,
    /** Edits our message; the list shows the answer at once (the event follows). */
    async edit(messageId: string, body: string): Promise<void> {
      applyOwnUpdate(await client.messages.edit(messageId, body));
    },
    /** Deletes our message for everyone; the tombstone shows once the server agreed. */
    async deleteForEveryone(conversationId: string, messageId: string): Promise<void> {
      await client.messages.delete(messageId);
      const message =
        messages.find(conversationId, messageId) ??
        conversations.get(conversationId)?.lastMessage ??
        null;
      if (message?.id === messageId && message.deletedAt === null)
        applyOwnUpdate({ ...message, body: '', deletedAt: Date.now(), attachment: null });
    },
    /** Typing indicator of the composer; nothing is sent while the person has turned it off. */
    typing: {
      typed(conversationId: string): void {
        if (accountSettings.state.typingIndicators) client.typing.typed(conversationId);
      },
      stopped(conversationId: string): void {
        client.typing.stopped(conversationId);
      },
    },
  };
}

export type ChatServices = ReturnType<typeof createChatServices>;
