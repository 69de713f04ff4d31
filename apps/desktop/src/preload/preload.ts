import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { DesktopBridge, DesktopSettings } from '../shared/desktop-bridge.js';
import { invokeChannels, pushChannels } from '../shared/ipc-channels.js';

/**
 * The whole surface the renderer gets: named functions over the allowlisted channels. The renderer
 * never sees ipcRenderer, events or senders; the main process validates every argument again.
 */
export function createDesktopBridge(
  ipc: Pick<typeof ipcRenderer, 'invoke' | 'on' | 'removeListener'>,
): DesktopBridge {
  const invoke = <T>(channel: string, ...args: unknown[]): Promise<T> =>
    ipc.invoke(channel, ...args) as Promise<T>;
  return {
    platform: 'desktop',
    storage: {
      getItem: (key) => invoke<string | null>(invokeChannels.vaultGet, String(key)),
      setItem: (key, value) => invoke<void>(invokeChannels.vaultSet, String(key), String(value)),
      removeItem: (key) => invoke<void>(invokeChannels.vaultRemove, String(key)),
    },
    getSettings: () => invoke<DesktopSettings>(invokeChannels.settingsGet),
    setServerUrl: (url) => invoke<DesktopSettings>(invokeChannels.settingsSetServer, String(url)),
    setNotifications: (enabled) =>
      invoke<DesktopSettings>(invokeChannels.settingsSetNotifications, enabled === true),
    setAutoUpdate: (enabled) =>
      invoke<DesktopSettings>(invokeChannels.settingsSetAutoUpdate, enabled === true),
    setUnreadCount: (count) => invoke<void>(invokeChannels.unreadSet, Number(count)),
    notify: (notification) =>
      invoke<void>(invokeChannels.notifyMessage, {
        conversationId: String(notification.conversationId),
        title: String(notification.title),
        body: String(notification.body),
      }),
    openExternal: (url) => invoke<void>(invokeChannels.openExternal, String(url)),
    onOpenConversation: (listener) => {
      const forward = (_event: IpcRendererEvent, conversationId: unknown): void => {
        if (typeof conversationId === 'string') listener(conversationId);
      };
      ipc.on(pushChannels.openConversation, forward);
      return () => {
        ipc.removeListener(pushChannels.openConversation, forward);
      };
    },
  };
}

contextBridge.exposeInMainWorld('parleyDesktop', createDesktopBridge(ipcRenderer));
