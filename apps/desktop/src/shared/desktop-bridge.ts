/** What the preload exposes to the renderer as `window.parleyDesktop`. */
export interface DesktopSettings {
  /** The Parley server, e.g. http://localhost:3000; null until the user has chosen one. */
  serverUrl: string | null;
  /** Notify about incoming messages while the window is not focused. */
  notifications: boolean;
  /** Check for a new version at start and daily, download it in the background, offer a restart. */
  autoUpdate: boolean;
}

export interface IncomingNotification {
  conversationId: string;
  title: string;
  body: string;
}

export interface DesktopBridge {
  readonly platform: 'desktop';
  /**
   * Key-value storage kept by the main process with the OS keychain (safeStorage): the refresh
   * token, the event cursor, the outbox and drafts. The renderer never writes them to disk itself.
   */
  readonly storage: {
    getItem(key: string): Promise<string | null>;
    setItem(key: string, value: string): Promise<void>;
    removeItem(key: string): Promise<void>;
  };
  getSettings(): Promise<DesktopSettings>;
  setServerUrl(url: string): Promise<DesktopSettings>;
  setNotifications(enabled: boolean): Promise<DesktopSettings>;
  setAutoUpdate(enabled: boolean): Promise<DesktopSettings>;
  /** Unread total for the taskbar overlay (0 clears it). */
  setUnreadCount(count: number): Promise<void>;
  /** Shown only while the window is unfocused and notifications are on. */
  notify(notification: IncomingNotification): Promise<void>;
  /** http and https only; anything else is refused. */
  openExternal(url: string): Promise<void>;
  /** Clicking a notification opens its conversation. Returns an unsubscribe function. */
  onOpenConversation(listener: (conversationId: string) => void): () => void;
}
