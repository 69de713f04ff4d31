/**
 * What the client needs of a WebSocket instance: both the DOM's WebSocket and the `ws` package's fit.
 */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** A WebSocket class: `globalThis.WebSocket` in browsers, `WebSocket` of the `ws` package in Node. */
export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
) => WebSocketLike;

export const missingWebSocketMessage =
  'Node 20 has no global WebSocket: pass `WebSocket` from the `ws` package: ' +
  "import WebSocket from 'ws'; createParleyClient({ url, WebSocket })";

/** The WebSocket class to use, or a TypeError that names the fix. */
export function resolveWebSocket(given: WebSocketConstructor | undefined): WebSocketConstructor {
  const found = given ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (typeof found !== 'function') throw new TypeError(missingWebSocketMessage);
  return found;
}
