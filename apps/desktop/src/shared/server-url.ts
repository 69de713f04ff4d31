/**
 * True for an http:// server that is not on this machine: everything (the password at sign-in, the
 * session tokens, every message) would cross the network unencrypted. Loopback addresses are exempt:
 * a server on the same computer is the usual development and single-machine setup.
 */
export function isUnencryptedRemoteServer(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname);
}

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '[::1]') return true;
  // WHATWG URL parsing has already normalized IPv4 forms (127.1, 0x7f.0.0.1) to dotted decimal.
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
