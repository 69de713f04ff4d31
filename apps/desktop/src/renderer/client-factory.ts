import {
  backoffDelay,
  createParleyClient,
  type KeyValueStorage,
  type ParleyClient,
} from '@parley/client';

/**
 * The real client: a whole `ParleyClient`, which the app's narrow `ChatClient` is a part of.
 * A person watches this connection: waits between attempts stay short (at most 5 s, with jitter;
 * the client also probes /healthz and reconnects as soon as the server answers), and a silent
 * socket is noticed within about 6 s.
 */
export function createClient(url: string, storage: KeyValueStorage): ParleyClient {
  return createParleyClient({
    url,
    storage,
    retryDelayMs: (attempt) => backoffDelay(attempt, { maxMs: 5_000 }),
    keepAlive: { intervalMs: 3_000, pongTimeoutMs: 3_000 },
  });
}
