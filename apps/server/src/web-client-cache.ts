import type { ServerResponse } from 'node:http';

/**
 * Vite names every built asset after a hash of its content (`assets/index-BQXmdO4p.js`): such a file
 * never changes under its name, so browsers may keep it for a year without asking again.
 */
const hashedAsset = /^\/assets\/[^/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

/**
 * Cache policy of the web client: hashed assets are immutable; everything else (index.html, which
 * names the current assets) is revalidated on every load, so a new release is picked up at once.
 */
export function setWebClientCacheHeaders(res: ServerResponse, pathname: string): void {
  res.setHeader(
    'Cache-Control',
    hashedAsset.test(pathname) ? 'public, max-age=31536000, immutable' : 'no-cache',
  );
}
