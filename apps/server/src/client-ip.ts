/**
 * The client's address: the socket's, unless `trustProxy` hops are trusted, then the right-most
 * X-Forwarded-For entry that no trusted proxy added. Forged entries to its left change nothing.
 */
export function clientIp(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustProxy: number,
): string {
  const socketIp = normalize(socketAddress ?? 'unknown');
  if (trustProxy === 0 || forwardedFor === undefined) return socketIp;
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
  const chain = [
    ...header
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean),
    socketIp,
  ];
  return normalize(chain[Math.max(0, chain.length - 1 - trustProxy)] ?? socketIp);
}

/** IPv4 clients of a dual-stack socket appear as ::ffff:a.b.c.d. */
const normalize = (ip: string): string => (ip.startsWith('::ffff:') ? ip.slice(7) : ip);
