import { join } from 'node:path';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  Notification,
  protocol,
  safeStorage,
  session,
  shell,
} from 'electron';
import { autoUpdater } from 'electron-updater';
import { APP_ID, APP_NAME, APP_SCHEME, APP_ORIGIN } from '../shared/app-identity.js';
import { pushChannels, invokeChannels } from '../shared/ipc-channels.js';
import { isUnencryptedRemoteServer } from '../shared/server-url.js';
import { appSchemePrivileges, createAppProtocolHandler } from './app-protocol.js';
import { contentSecurityPolicy } from './content-security-policy.js';
import { wrapAutoUpdater } from './electron-updater-adapter.js';
import { registerIpcHandlers, type IpcHandlers } from './ipc-router.js';
import { installNavigationGuards, isSafeExternalUrl } from './navigation-guard.js';
import { createNotifier } from './notifier.js';
import { SettingsStore } from './settings-store.js';
import { shellPolicy } from './shell-policy.js';
import { claimSingleInstance } from './single-instance.js';
import { TokenVault } from './token-vault.js';
import { UpdateController } from './update-controller.js';
import { badgeDescription, renderBadgeBitmap } from './unread-badge.js';
import { mainWindowOptions } from './window-options.js';

const policy = shellPolicy(app.isPackaged, process.env);
// Development and tests may keep the profile elsewhere; the installed app never does.
if (policy.userDataOverride) app.setPath('userData', policy.userDataOverride);
if (!policy.defaultMenu) Menu.setApplicationMenu(null);

app.setAppUserModelId(APP_ID);
app.setName(APP_NAME);
protocol.registerSchemesAsPrivileged([appSchemePrivileges]);

let mainWindow: BrowserWindow | null = null;

if (claimSingleInstance(app, () => mainWindow)) {
  app.whenReady().then(start, (error: unknown) => {
    console.error('Parley failed to start', error);
    app.exit(1);
  });
}

async function start(): Promise<void> {
  const appPath = app.getAppPath();
  const userData = app.getPath('userData');
  const settings = new SettingsStore(join(userData, 'settings.json'));
  await settings.get();
  const vault = new TokenVault({
    filePath: join(userData, 'vault.json'),
    safeStorage,
    onUnprotected: () =>
      console.warn('Parley: the OS offers no encryption; the session is kept in memory only.'),
  });

  protocol.handle(
    APP_SCHEME,
    createAppProtocolHandler(join(appPath, 'dist', 'web'), () =>
      contentSecurityPolicy(settings.peek()?.serverUrl ?? null),
    ),
  );

  // The renderer asks for no permission (notifications are shown by this process).
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) =>
    callback(false),
  );
  session.defaultSession.setPermissionCheckHandler(() => false);
  app.on('web-contents-created', (_event, contents) => installNavigationGuards(contents, shell));

  const notify = createNotifier({
    isSupported: () => Notification.isSupported(),
    create: (options) => new Notification(options),
    isWindowFocused: () => mainWindow?.isFocused() ?? false,
    notificationsEnabled: () => settings.peek()?.notifications ?? true,
    openConversation: (conversationId) => {
      const window = mainWindow;
      if (!window) return;
      if (window.isMinimized()) window.restore();
      window.show();
      window.focus();
      window.webContents.send(pushChannels.openConversation, conversationId);
    },
  });

  // Only the installed app updates itself (a development run has no app-update.yml to read).
  const updates = app.isPackaged ? createUpdateController() : null;
  updates?.setEnabled(settings.peek()?.autoUpdate ?? true);

  const handlers: IpcHandlers = {
    [invokeChannels.vaultGet]: (key) => vault.getItem(key),
    [invokeChannels.vaultSet]: (key, value) => vault.setItem(key, value),
    [invokeChannels.vaultRemove]: (key) => vault.removeItem(key),
    [invokeChannels.settingsGet]: () => settings.get(),
    [invokeChannels.settingsSetServer]: (url) => {
      // The renderer has already asked the user to confirm (ServerSetup); the address is not secret.
      if (isUnencryptedRemoteServer(url)) {
        console.warn(`Parley: ${new URL(url).origin} is used over unencrypted http://.`);
      }
      return settings.update({ serverUrl: url });
    },
    [invokeChannels.settingsSetNotifications]: (enabled) =>
      settings.update({ notifications: enabled }),
    [invokeChannels.settingsSetAutoUpdate]: async (enabled) => {
      const next = await settings.update({ autoUpdate: enabled });
      updates?.setEnabled(enabled);
      return next;
    },
    [invokeChannels.unreadSet]: (count) => showUnreadCount(count),
    [invokeChannels.notifyMessage]: (message) => {
      notify(message);
    },
    [invokeChannels.openExternal]: async (url) => {
      if (isSafeExternalUrl(url)) await shell.openExternal(url);
    },
  };
  registerIpcHandlers(ipcMain, handlers, (id) => mainWindow?.webContents.id === id);

  createMainWindow(join(appPath, 'dist', 'electron', 'preload.cjs'));
  app.on('activate', () => {
    if (!mainWindow) createMainWindow(join(appPath, 'dist', 'electron', 'preload.cjs'));
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}

function createMainWindow(preloadPath: string): void {
  const window = new BrowserWindow(mainWindowOptions(preloadPath, { devTools: policy.devTools }));
  mainWindow = window;
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
  void window.loadURL(`${APP_ORIGIN}/index.html`);
}

function createUpdateController(): UpdateController {
  return new UpdateController({
    updater: wrapAutoUpdater(autoUpdater),
    timers: {
      setInterval: (callback, ms) => setInterval(callback, ms),
      clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
    },
    offerRestart: async (version) => {
      const options = {
        type: 'info' as const,
        title: APP_NAME,
        message: `Parley ${version} is ready to install.`,
        detail:
          'Restart now to finish the update, or later: it installs the next time you quit Parley.',
        buttons: ['Restart to update', 'Later'],
        defaultId: 0,
        cancelId: 1,
      };
      const window = mainWindow;
      const { response } = window
        ? await dialog.showMessageBox(window, options)
        : await dialog.showMessageBox(options);
      return response === 0;
    },
    onError: (error) =>
      console.warn(
        'Parley: the update check failed:',
        error instanceof Error ? error.message : String(error),
      ),
  });
}

function showUnreadCount(count: number): void {
  const window = mainWindow;
  if (process.platform === 'win32' && window) {
    const image =
      count > 0
        ? nativeImage.createFromBitmap(renderBadgeBitmap(count, 32), {
            width: 32,
            height: 32,
            scaleFactor: 2,
          })
        : null;
    window.setOverlayIcon(image, badgeDescription(count));
  } else {
    app.setBadgeCount(count);
  }
}
