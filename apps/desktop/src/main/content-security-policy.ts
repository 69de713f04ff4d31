/**
 * The renderer's Content-Security-Policy. Scripts, styles, fonts and images come only from the app
 * itself; the only network peer is the configured Parley server (HTTP for queries, WebSocket for
 * subscriptions). No inline script, no eval, no plugins, no framing, no forms posting elsewhere.
 */
export function contentSecurityPolicy(serverUrl: string | null): string {
  const connect = ["'self'"];
  if (serverUrl) {
    const server = new URL(serverUrl);
    const wsProtocol = server.protocol === 'https:' ? 'wss:' : 'ws:';
    connect.push(server.origin, `${wsProtocol}//${server.host}`);
  }
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    // blob:: pictures the renderer draws from attachment bytes it downloaded itself.
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src ${connect.join(' ')}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}
