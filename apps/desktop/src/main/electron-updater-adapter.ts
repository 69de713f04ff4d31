import type { AppUpdater, UpdateDownloadedEvent } from 'electron-updater';
import type { Updater } from './update-controller.js';

type AutoUpdater = Pick<
  AppUpdater,
  'autoDownload' | 'autoInstallOnAppQuit' | 'checkForUpdates' | 'quitAndInstall'
> & {
  on(event: 'update-downloaded', listener: (info: UpdateDownloadedEvent) => void): unknown;
};

/**
 * electron-updater's autoUpdater as an `Updater`. It reads the feed from app-update.yml, which
 * electron-builder writes from the `publish` section of electron-builder.json (GitHub Releases: the
 * published release's latest.yml), downloads in the background (with the .blockmap, only the changed
 * blocks), checks the installer's SHA-512 from latest.yml, and installs silently on quit.
 */
export function wrapAutoUpdater(autoUpdater: AutoUpdater): Updater {
  autoUpdater.autoDownload = true;
  autoUpdater.autoInstallOnAppQuit = true;
  return {
    checkForUpdates: async () => {
      await autoUpdater.checkForUpdates();
    },
    onUpdateDownloaded: (listener) => {
      autoUpdater.on('update-downloaded', (info) => listener(info.version));
    },
    // Silent (the one-click installer shows no wizard) and start Parley again afterwards.
    quitAndInstall: () => autoUpdater.quitAndInstall(true, true),
  };
}
