import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { invokeChannels } from '../shared/ipc-channels.js';

/** The whole main process wired against a fake `electron`: what it registers, creates and refuses. */
const root = await mkdtemp(join(tmpdir(), 'parley-main-'));
const fake = vi.hoisted(() => {
  type Listener = (...args: unknown[]) => unknown;
  const appListeners = new Map<string, Listener>();
  const ipcHandlers = new Map<string, Listener>();
  const windows: Array<{
    options: unknown;
    url: string;
    webContents: { id: number; mainFrame: { url: string }; send: Listener };
  }> = [];
  const notifications: Array<{ options: unknown; shown: boolean }> = [];
  const calls: Array<[string, unknown]> = [];
  const paths = { appPath: '', userData: '' };
  let focused = false;
  class BrowserWindow {
    webContents: { id: number; mainFrame: { url: string }; send: Listener };
    url = '';
    constructor(readonly options: unknown) {
      this.webContents = {
        id: 41 + windows.length,
        mainFrame: { url: 'app://parley/index.html' },
        send: (...args) => calls.push(['send', args]),
      };
      windows.push(this);
    }
    once(): void {}
    on(): void {}
    loadURL(url: string): Promise<void> {
      this.url = url;
      return Promise.resolve();
    }
    isFocused(): boolean {
      return focused;
    }
    isMinimized(): boolean {
      return false;
    }
    setOverlayIcon(image: unknown, description: string): void {
      calls.push(['setOverlayIcon', description]);
    }
  }
  class Notification {
    static isSupported(): boolean {
      return true;
    }
    entry: { options: unknown; shown: boolean };
    constructor(options: unknown) {
      this.entry = { options, shown: false };
      notifications.push(this.entry);
    }
    on(): void {}
    show(): void {
      this.entry.shown = true;
    }
  }
  const electron = {
    app: {
      isPackaged: false,
      setPath: (name: string, value: string) => calls.push(['setPath', [name, value]]),
      setAppUserModelId: (id: string) => calls.push(['setAppUserModelId', id]),
      setName: (name: string) => calls.push(['setName', name]),
      requestSingleInstanceLock: () => true,
      quit: () => calls.push(['quit', null]),
      exit: (code: number) => calls.push(['exit', code]),
      on: (event: string, listener: Listener) => appListeners.set(event, listener),
      whenReady: () => Promise.resolve(),
      getAppPath: () => paths.appPath,
      getPath: () => paths.userData,
      setBadgeCount: (count: number) => calls.push(['setBadgeCount', count]),
    },
    BrowserWindow,
    Notification,
    dialog: {
      showMessageBox: (...args: unknown[]) => {
        calls.push(['showMessageBox', args.at(-1)]);
        return Promise.resolve({ response: 0 });
      },
    },
    Menu: {
      setApplicationMenu: (menu: unknown) => calls.push(['setApplicationMenu', menu]),
    },
    ipcMain: { handle: (channel: string, handler: Listener) => ipcHandlers.set(channel, handler) },
    nativeImage: { createFromBitmap: () => ({}) },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown) =>
        calls.push(['registerSchemesAsPrivileged', schemes]),
      handle: (scheme: string) => calls.push(['protocol.handle', scheme]),
    },
    safeStorage: {
      isAsyncEncryptionAvailable: () => Promise.resolve(true),
      encryptStringAsync: (plain: string) => Promise.resolve(Buffer.from(plain).reverse()),
      decryptStringAsync: (cipher: Buffer) =>
        Promise.resolve({
          result: Buffer.from(cipher).reverse().toString(),
          shouldReEncrypt: false,
        }),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: Listener) =>
          calls.push(['permissionRequest', handler]),
        setPermissionCheckHandler: (handler: Listener) => calls.push(['permissionCheck', handler]),
      },
    },
    shell: { openExternal: (url: string) => Promise.resolve(calls.push(['openExternal', url])) },
  };
  const updaterListeners = new Map<string, Listener>();
  const autoUpdater = {
    autoDownload: false,
    autoInstallOnAppQuit: false,
    checkForUpdates: () => Promise.resolve(calls.push(['checkForUpdates', null])),
    on: (event: string, listener: Listener) => updaterListeners.set(event, listener),
    quitAndInstall: (...args: unknown[]) => calls.push(['quitAndInstall', args]),
  };
  return {
    electron,
    autoUpdater,
    updaterListeners,
    appListeners,
    ipcHandlers,
    windows,
    notifications,
    calls,
    paths,
    setFocused: (value: boolean) => (focused = value),
  };
});
vi.mock('electron', () => fake.electron);
vi.mock('electron-updater', () => ({ autoUpdater: fake.autoUpdater }));

fake.paths.appPath = join(root, 'app');
fake.paths.userData = join(root, 'profile');
const userDataBefore = process.env.PARLEY_USER_DATA;
process.env.PARLEY_USER_DATA = join(root, 'elsewhere');
await import('./main.js');
await vi.waitFor(() => expect(fake.windows).toHaveLength(1));

afterAll(async () => {
  if (userDataBefore === undefined) delete process.env.PARLEY_USER_DATA;
  else process.env.PARLEY_USER_DATA = userDataBefore;
  await rm(root, { recursive: true, force: true });
});

const window = () => fake.windows.at(-1)!;
const trusted = () => ({
  sender: { id: window().webContents.id, mainFrame: window().webContents.mainFrame },
  senderFrame: window().webContents.mainFrame,
});
const invoke = (channel: string, ...args: unknown[]) =>
  fake.ipcHandlers.get(channel)!(trusted(), ...args);
const called = (name: string) =>
  fake.calls.filter(([call]) => call === name).map(([, value]) => value);

describe('main process wiring', () => {
  it('identifies as the installed app and registers app:// before ready', () => {
    expect(called('setAppUserModelId')).toEqual(['org.parley.desktop']);
    expect(called('registerSchemesAsPrivileged')).toEqual([
      [{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }],
    ]);
    expect(called('protocol.handle')).toEqual(['app']);
  });

  it('opens one hardened window on app://parley', () => {
    expect(window().url).toBe('app://parley/index.html');
    const options = window().options as { webPreferences: Record<string, unknown> };
    expect(options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    });
    expect(String(options.webPreferences.preload)).toBe(
      join(root, 'app', 'dist', 'electron', 'preload.cjs'),
    );
  });

  it('refuses every permission and guards every webContents', () => {
    const [request] = called('permissionRequest') as Array<
      (c: unknown, p: string, cb: (ok: boolean) => void) => void
    >;
    const answers: boolean[] = [];
    request!(null, 'media', (ok) => answers.push(ok));
    request!(null, 'notifications', (ok) => answers.push(ok));
    expect(answers).toEqual([false, false]);
    const contents = { on: vi.fn(), setWindowOpenHandler: vi.fn() };
    fake.appListeners.get('web-contents-created')!({}, contents);
    expect(contents.setWindowOpenHandler).toHaveBeenCalled();
    expect(contents.on.mock.calls.map(([event]) => event as string)).toContain('will-navigate');
  });

  it('handles exactly the allowlisted channels, and the vault round-trips', async () => {
    expect([...fake.ipcHandlers.keys()].sort()).toEqual(Object.values(invokeChannels).sort());
    await invoke(invokeChannels.vaultSet, 'parley:auth', '{"refreshToken":"rt"}');
    expect(await invoke(invokeChannels.vaultGet, 'parley:auth')).toBe('{"refreshToken":"rt"}');
    expect(() =>
      fake.ipcHandlers.get(invokeChannels.vaultGet)!(
        { sender: { id: 999 }, senderFrame: { url: 'app://parley/' } },
        'parley:auth',
      ),
    ).toThrow(/untrusted sender/);
  });

  it('remembers the server and the notification switch', async () => {
    expect(await invoke(invokeChannels.settingsGet)).toEqual({
      serverUrl: null,
      notifications: true,
      autoUpdate: true,
    });
    await invoke(invokeChannels.settingsSetServer, 'http://localhost:3000/');
    expect(await invoke(invokeChannels.settingsGet)).toEqual({
      serverUrl: 'http://localhost:3000',
      notifications: true,
      autoUpdate: true,
    });
  });

  it('shows the unread count and notifies only while unfocused and enabled', async () => {
    await invoke(invokeChannels.unreadSet, 3);
    expect(
      process.platform === 'win32' ? called('setOverlayIcon') : called('setBadgeCount'),
    ).toContainEqual(process.platform === 'win32' ? '3 unread messages' : 3);
    const message = { conversationId: 'c1', title: 'bob', body: 'hi' };
    fake.setFocused(true);
    await invoke(invokeChannels.notifyMessage, message);
    expect(fake.notifications).toHaveLength(0);
    fake.setFocused(false);
    await invoke(invokeChannels.notifyMessage, message);
    expect(fake.notifications).toEqual([
      { options: { title: 'bob', body: 'hi', silent: false }, shown: true },
    ]);
    await invoke(invokeChannels.settingsSetNotifications, false);
    await invoke(invokeChannels.notifyMessage, message);
    expect(fake.notifications).toHaveLength(1);
  });

  it('opens only http(s) links outside', async () => {
    await invoke(invokeChannels.openExternal, 'https://example.com/');
    expect(called('openExternal')).toEqual(['https://example.com/']);
    expect(() => invoke(invokeChannels.openExternal, 'file:///etc/passwd')).toThrow(
      /invalid arguments/,
    );
  });

  it('warns in its log when the server is remote and unencrypted', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      await invoke(invokeChannels.settingsSetServer, 'http://localhost:3000');
      expect(warn).not.toHaveBeenCalled();
      await invoke(invokeChannels.settingsSetServer, 'http://chat.example.com/');
      expect(warn.mock.calls).toEqual([
        ['Parley: http://chat.example.com is used over unencrypted http://.'],
      ]);
    } finally {
      warn.mockRestore();
    }
  });

  it('in development: honours PARLEY_USER_DATA, keeps the default menu and DevTools', () => {
    expect(called('setPath')).toEqual([['userData', join(root, 'elsewhere')]]);
    expect(called('setApplicationMenu')).toEqual([]);
    const options = window().options as { webPreferences: Record<string, unknown> };
    expect(options.webPreferences.devTools).toBe(true);
    expect(called('checkForUpdates')).toEqual([]);
  });

  // Last: it loads a second copy of the main process, which takes over the IPC handlers.
  it('packaged: ignores PARLEY_USER_DATA, removes the default menu and DevTools', async () => {
    fake.electron.app.isPackaged = true;
    fake.calls.length = 0;
    vi.resetModules();
    await import('./main.js');
    await vi.waitFor(() => expect(fake.windows).toHaveLength(2));
    expect(called('setPath')).toEqual([]);
    expect(called('setApplicationMenu')).toEqual([null]);
    const options = fake.windows[1]!.options as { webPreferences: Record<string, unknown> };
    expect(options.webPreferences.devTools).toBe(false);
  });

  it('packaged: checks for updates, offers a restart, and the setting turns the checks off', async () => {
    expect(called('checkForUpdates')).toHaveLength(1);
    expect(fake.autoUpdater).toMatchObject({ autoDownload: true, autoInstallOnAppQuit: true });
    fake.updaterListeners.get('update-downloaded')!({ version: '9.9.9' });
    await vi.waitFor(() => expect(called('quitAndInstall')).toEqual([[true, true]]));
    expect(called('showMessageBox')).toEqual([
      expect.objectContaining({
        message: 'Parley 9.9.9 is ready to install.',
        buttons: ['Restart to update', 'Later'],
      }),
    ]);
    expect(await invoke(invokeChannels.settingsSetAutoUpdate, false)).toMatchObject({
      autoUpdate: false,
    });
  });
});
