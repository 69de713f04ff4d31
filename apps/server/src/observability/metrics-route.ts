import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { clientIp } from '../client-ip.js';
import type { ServerMetrics } from './server-metrics.js';

export type MetricsRouteOptions = {
  metrics: ServerMetrics;
  /** When set, a client off loopback may scrape by presenting `Authorization: Bearer <token>`. */
  token: string | null;
  trustProxy: number;
  onError: (error: unknown) => void;
};

const isLoopback = (ip: string): boolean =>
  ip === '::1' || ip.startsWith('127.') || ip === 'localhost';

const sameSecret = (given: string, expected: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * `GET /metrics` in Prometheus text format: open to loopback clients; others need METRICS_TOKEN
 * as a Bearer token (and get 404 when no token is configured, so the route is not advertised).
 */
export function createMetricsRoute(
  options: MetricsRouteOptions,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path !== '/metrics') return false;
    const ip = clientIp(
      req.socket.remoteAddress,
      req.headers['x-forwarded-for'],
      options.trustProxy,
    );
    const presented = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const allowed =
      isLoopback(ip) ||
      (options.token !== null && presented !== undefined && sameSecret(presented, options.token));
    if (!allowed) {
      const status = options.token === null ? 404 : 401;
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({ error: { message: status === 404 ? 'Not found.' : 'Unauthorized.' } }),
      );
      return true;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return true;
    }
    options.metrics.render().then(
      ({ contentType, body }) => {
        res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (error: unknown) => {
        options.onError(error);
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'Metrics are unavailable.' } }));
      },
    );
    return true;
  };
}
