import type { BrowserWindowConstructorOptions } from 'electron';
import { APP_NAME } from '../shared/app-identity.js';

/**
 * The main window's options. The renderer is an untrusted web page as far as Node is concerned:
 * isolated context, OS sandbox, no Node integration anywhere, web security on.
 */
export function mainWindowOptions(
  preloadPath: string,
  { devTools = true }: { devTools?: boolean } = {},
): BrowserWindowConstructorOptions {
  return {
    title: APP_NAME,
    width: 1100,
    height: 760,
    minWidth: 420,
    minHeight: 480,
    show: false,
    autoHideMenuBar: true,
    backgroundColor: '#0b0d12',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: true,
      navigateOnDragDrop: false,
      devTools,
    },
  };
}
