/**
 * Who the desktop app is, to Windows and to the server. `APP_ID` must equal electron-builder's
 * `appId` (electron-builder.json): Windows groups taskbar buttons and attributes notifications by it.
 */
export const APP_ID = 'org.parley.desktop';
export const APP_NAME = 'Parley';

/** The renderer is served from `app://parley/`, never from file://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'parley';
/** The Origin the renderer's requests carry; the server must list it in ALLOWED_ORIGINS. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** Asked on first run, pre-filled with this. */
export const DEFAULT_SERVER_URL = 'http://localhost:3000';
