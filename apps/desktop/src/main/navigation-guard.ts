import type { Shell, WebContents } from 'electron';
import { APP_HOST, APP_SCHEME } from '../shared/app-identity.js';

/** Our own pages: app://parley/… (WHATWG gives custom schemes an opaque origin, so compare parts). */
export function isAppUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST;
  } catch {
    return false;
  }
}

/** Links the user may open in their browser: http and https only, without embedded credentials. */
export function isSafeExternalUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (
      (url.protocol === 'http:' || url.protocol === 'https:') &&
      url.username === '' &&
      url.password === ''
    );
  } catch {
    return false;
  }
}

type GuardedContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/**
 * The renderer never navigates away from app://parley and never opens windows. A link to an http(s)
 * page opens in the user's browser instead; every other scheme (file:, javascript:, custom
 * protocol handlers…) is dropped.
 */
export function installNavigationGuards(
  contents: GuardedContents,
  shell: Pick<Shell, 'openExternal'>,
): void {
  const openOutside = (url: string): void => {
    if (isSafeExternalUrl(url)) void shell.openExternal(url).catch(() => undefined);
  };
  contents.on('will-navigate', (event, url) => {
    if (isAppUrl(url)) return;
    event.preventDefault();
    openOutside(url);
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url);
    return { action: 'deny' };
  });
}
