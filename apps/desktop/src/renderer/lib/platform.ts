import type {
  DesktopBridge,
  DesktopSettings,
  IncomingNotification,
} from '../../shared/desktop-bridge';
import type { KeyValueStorage } from '@parley/client';
import { documentTitle, faviconUrl } from './favicon';

/** Whether the app may show system notifications: the browser's permission; always granted on the desktop. */
export type NotificationPermissionState = NotificationPermission | 'unsupported';

/** What differs between the two shells. The rest of the app does not know which one it runs in. */
export interface Platform {
  kind: 'web' | 'desktop';
  /** Persistent storage for the client (tokens, cursor, outbox) and drafts. */
  storage: KeyValueStorage;
  /** Taskbar overlay (desktop); the document title (web). */
  setUnreadCount(count: number): void;
  /** A system notification for an incoming message while the app is in the background. */
  notify(notification: IncomingNotification): void;
  notificationPermission(): NotificationPermissionState;
  /** Asks the browser (only ever from a click or a key press: browsers ignore it otherwise). */
  requestNotificationPermission(): Promise<NotificationPermissionState>;
  /** Desktop settings; null on the web. */
  settings(): Promise<DesktopSettings | null>;
  setNotifications(enabled: boolean): Promise<void>;
  /** Automatic updates of the desktop app (nothing on the web: the server serves the current app). */
  setAutoUpdate(enabled: boolean): Promise<void>;
  setServerUrl(url: string): Promise<void>;
  onOpenConversation(listener: (conversationId: string) => void): () => void;
}

declare global {
  interface Window {
    parleyDesktop?: DesktopBridge;
  }
}

/**
 * Browser: tokens in localStorage (the browser shell's storage); the unread count in the title and
 * as a badge on the favicon; notifications through the Notification API once permitted.
 */
export function createWebPlatform(): Platform {
  const openers = new Set<(conversationId: string) => void>();
  const supported = (): boolean => typeof window.Notification === 'function';
  const permission = (): NotificationPermissionState =>
    supported() ? Notification.permission : 'unsupported';
  return {
    kind: 'web',
    storage: window.localStorage,
    setUnreadCount: (count) => {
      document.title = documentTitle(count);
      const icon = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
      if (icon) icon.href = count > 0 ? faviconUrl(count) : './favicon.svg';
    },
    notify: (notification) => {
      if (permission() !== 'granted') return;
      const shown = new Notification(notification.title, {
        body: notification.body,
        tag: notification.conversationId,
        icon: './favicon.svg',
      });
      shown.onclick = () => {
        window.focus();
        for (const open of openers) open(notification.conversationId);
        shown.close();
      };
    },
    notificationPermission: permission,
    requestNotificationPermission: async () =>
      supported() ? await Notification.requestPermission() : 'unsupported',
    settings: () => Promise.resolve(null),
    setNotifications: () => Promise.resolve(),
    setAutoUpdate: () => Promise.resolve(),
    setServerUrl: () => Promise.resolve(),
    onOpenConversation: (listener) => {
      openers.add(listener);
      return () => openers.delete(listener);
    },
  };
}

/** Electron: everything goes through the preload bridge to the main process. */
export function createDesktopPlatform(bridge: DesktopBridge): Platform {
  const ignore = (): undefined => undefined;
  return {
    kind: 'desktop',
    storage: bridge.storage,
    setUnreadCount: (count) => {
      document.title = documentTitle(count);
      bridge.setUnreadCount(count).catch(ignore);
    },
    notify: (notification) => {
      bridge.notify(notification).catch(ignore);
    },
    // The main process shows them (and has its own on/off setting).
    notificationPermission: () => 'granted',
    requestNotificationPermission: () => Promise.resolve('granted'),
    settings: () => bridge.getSettings(),
    setNotifications: async (enabled) => {
      await bridge.setNotifications(enabled);
    },
    setAutoUpdate: async (enabled) => {
      await bridge.setAutoUpdate(enabled);
    },
    setServerUrl: async (url) => {
      await bridge.setServerUrl(url);
    },
    onOpenConversation: (listener) => bridge.onOpenConversation(listener),
  };
}
