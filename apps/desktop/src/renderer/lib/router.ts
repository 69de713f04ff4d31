import { createSignal, onCleanup } from 'solid-js';

export type Route =
  | { name: 'login' }
  | { name: 'signup' }
  | { name: 'chats'; conversationId: string | null; messageId: string | null };

/** `#/login`, `#/signup`, `#/chats`, `#/chats/<conversationId>`, `#/chats/<conversationId>/<messageId>`. */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'login') return { name: 'login' };
  if (parts[0] === 'signup') return { name: 'signup' };
  return { name: 'chats', conversationId: parts[1] ?? null, messageId: parts[2] ?? null };
}

export function routeHash(route: Route): string {
  if (route.name !== 'chats') return `#/${route.name}`;
  const parts = ['chats'];
  if (route.conversationId) parts.push(encodeURIComponent(route.conversationId));
  if (route.conversationId && route.messageId) parts.push(encodeURIComponent(route.messageId));
  return `#/${parts.join('/')}`;
}

/** Hash routing: works from app://parley/ and from the server's `/` alike, with the back button. */
export function createRouter() {
  const [route, setRoute] = createSignal<Route>(parseRoute(window.location.hash));
  const sync = (): void => {
    setRoute(parseRoute(window.location.hash));
  };
  window.addEventListener('hashchange', sync);
  onCleanup(() => window.removeEventListener('hashchange', sync));
  const navigate = (next: Route, options: { replace?: boolean } = {}): void => {
    const hash = routeHash(next);
    if (window.location.hash === hash) return;
    if (options.replace) window.history.replaceState(null, '', hash);
    else window.history.pushState(null, '', hash);
    sync();
  };
  return { route, navigate };
}

export type Router = ReturnType<typeof createRouter>;
