import { describe, expect, it, vi } from 'vitest';
import type { DesktopBridge } from '../shared/desktop-bridge.js';

const exposed = new Map<string, unknown>();
const invoke = vi.fn((..._args: unknown[]) => Promise.resolve(null));
const listeners = new Map<string, (...args: unknown[]) => void>();

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (name: string, api: unknown) => exposed.set(name, api) },
  ipcRenderer: {
    invoke: (...args: unknown[]) => invoke(...args),
    on: (channel: string, listener: (...args: unknown[]) => void) =>
      listeners.set(channel, listener),
    removeListener: (channel: string) => listeners.delete(channel),
  },
}));

const { invokeChannels } = await import('../shared/ipc-channels.js');
await import('./preload.js');
const bridge = exposed.get('parleyDesktop') as DesktopBridge;

describe('preload bridge', () => {
  it('exposes named functions only, never ipcRenderer', () => {
    expect([...exposed.keys()]).toEqual(['parleyDesktop']);
    expect(Object.keys(bridge).sort()).toEqual(
      [
        'getSettings',
        'notify',
        'onOpenConversation',
        'openExternal',
        'platform',
        'setAutoUpdate',
        'setNotifications',
        'setServerUrl',
        'setUnreadCount',
        'storage',
      ].sort(),
    );
  });

  it('maps each function onto its allowlisted channel', async () => {
    await bridge.storage.setItem('parley.cursor', '5');
    await bridge.storage.getItem('parley.cursor');
    await bridge.setUnreadCount(2);
    await bridge.notify({ conversationId: 'c', title: 't', body: 'b' });
    await bridge.setAutoUpdate(false);
    expect(invoke.mock.calls).toEqual([
      [invokeChannels.vaultSet, 'parley.cursor', '5'],
      [invokeChannels.vaultGet, 'parley.cursor'],
      [invokeChannels.unreadSet, 2],
      [invokeChannels.notifyMessage, { conversationId: 'c', title: 't', body: 'b' }],
      [invokeChannels.settingsSetAutoUpdate, false],
    ]);
  });

  it('forwards conversation pushes without the IPC event, and unsubscribes', () => {
    const seen: string[] = [];
    const stop = bridge.onOpenConversation((id) => seen.push(id));
    listeners.get('nav:open-conversation')?.({ sender: 'secret' }, 'c42');
    listeners.get('nav:open-conversation')?.({}, { not: 'a string' });
    expect(seen).toEqual(['c42']);
    stop();
    expect(listeners.has('nav:open-conversation')).toBe(false);
  });
});
