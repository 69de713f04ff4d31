import type {
  DesktopBridge,
  DesktopSettings,
  IncomingNotification,
} from '../../shared/desktop-bridge';
import type { KeyValueStorage } from '@parley/client';

/** What differs between the two shells. The rest of the app does not know which one it runs in. */
export interface Platform {
  kind: 'web' | 'desktop';
  /** Persistent storage for the client (tokens, cursor, outbox) and drafts. */
  storage: KeyValueStorage;
  /** Taskbar overlay (desktop); the document title (web). */
  setUnreadCount(count: number): void;
  /** A system notification for an incoming message while the app is not focused (desktop only). */
  notify(notification: IncomingNotification): void;
  /** Desktop settings; null on the web. */
  settings(): Promise<DesktopSettings | null>;
  setNotifications(enabled: boolean): Promise<void>;
  setServerUrl(url: string): Promise<void>;
  onOpenConversation(listener: (conversationId: string) => void): () => void;
}

declare global {
  interface Window {
    parleyDesktop?: DesktopBridge;
  }
}

/** Browser: tokens in localStorage (the browser shell's storage), unread count in the title. */
export function createWebPlatform(): Platform {
  return {
    kind: 'web',
    storage: window.localStorage,
    setUnreadCount: (count) => {
      document.title = count > 0 ? `(${count}) Parley` : 'Parley';
    },
    notify: () => undefined,
    settings: () => Promise.resolve(null),
    setNotifications: () => Promise.resolve(),
    setServerUrl: () => Promise.resolve(),
    onOpenConversation: () => () => undefined,
  };
}

/** Electron: everything goes through the preload bridge to the main process. */
export function createDesktopPlatform(bridge: DesktopBridge): Platform {
  const ignore = (): undefined => undefined;
  return {
    kind: 'desktop',
    storage: bridge.storage,
    setUnreadCount: (count) => {
      document.title = count > 0 ? `(${count}) Parley` : 'Parley';
      bridge.setUnreadCount(count).catch(ignore);
    },
    notify: (notification) => {
      bridge.notify(notification).catch(ignore);
    },
    settings: () => bridge.getSettings(),
    setNotifications: async (enabled) => {
      await bridge.setNotifications(enabled);
    },
    setServerUrl: async (url) => {
      await bridge.setServerUrl(url);
    },
    onOpenConversation: (listener) => bridge.onOpenConversation(listener),
  };
}
