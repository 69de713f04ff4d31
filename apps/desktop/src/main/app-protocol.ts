import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { APP_HOST, APP_SCHEME } from '../shared/app-identity.js';

/** Registered as privileged before `app.ready` so app:// behaves like https (origin, fetch, storage). */
export const appSchemePrivileges = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
};

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The app:// handler: serves files of the web build (and nothing outside it) with the CSP and
 * hardening headers. `/` is index.html. Unknown hosts, path traversal and missing files are 404.
 */
export function createAppProtocolHandler(
  webRoot: string,
  csp: () => string,
): (request: Request) => Promise<Response> {
  const root = normalize(webRoot + sep);
  return async (request) => {
    const notFound = new Response('Not found', {
      status: 404,
      headers: { 'content-type': 'text/plain' },
    });
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return new Response(null, { status: 405 });
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return notFound;
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return notFound;
    let pathname: string;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      return notFound;
    }
    if (pathname.includes('\0')) return notFound;
    const relative = pathname === '/' ? 'index.html' : pathname.replace(/^\/+/, '');
    const file = normalize(join(root, relative));
    if (!file.startsWith(root)) return notFound;
    try {
      if (!(await stat(file)).isFile()) return notFound;
      const body = await readFile(file);
      return new Response(request.method === 'HEAD' ? null : body, {
        status: 200,
        headers: {
          'content-type': contentTypes[extname(file).toLowerCase()] ?? 'application/octet-stream',
          'content-security-policy': csp(),
          'x-content-type-options': 'nosniff',
          'referrer-policy': 'no-referrer',
          'cross-origin-opener-policy': 'same-origin',
        },
      });
    } catch {
      return notFound;
    }
  };
}
