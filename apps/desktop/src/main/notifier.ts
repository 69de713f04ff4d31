import type { IncomingNotification } from '../shared/desktop-bridge.js';

export interface NotificationLike {
  on(event: 'click', listener: () => void): unknown;
  show(): void;
}

export interface NotifierDeps {
  isSupported(): boolean;
  create(options: { title: string; body: string; silent: boolean }): NotificationLike;
  isWindowFocused(): boolean;
  notificationsEnabled(): boolean;
  /** Brings the window forward and opens the conversation. */
  openConversation(conversationId: string): void;
}

/** Longest preview shown in a notification; the full message is in the app. */
export const NOTIFICATION_BODY_MAX = 140;

/**
 * Desktop notifications for incoming messages: only while the window is not focused, only when the
 * user has not turned them off, and only where the OS supports them. Returns whether one was shown.
 */
export function createNotifier(deps: NotifierDeps): (message: IncomingNotification) => boolean {
  return (message) => {
    if (!deps.notificationsEnabled() || deps.isWindowFocused() || !deps.isSupported()) return false;
    const body =
      [...message.body].length > NOTIFICATION_BODY_MAX
        ? `${[...message.body].slice(0, NOTIFICATION_BODY_MAX - 1).join('')}…`
        : message.body;
    const notification = deps.create({ title: message.title, body, silent: false });
    notification.on('click', () => deps.openConversation(message.conversationId));
    notification.show();
    return true;
  };
}
