import {
  backoffDelay,
  createParleyClient,
  type KeyValueStorage,
  type ParleyClient,
} from '@parley/client';

/**
 * The real client: a whole `ParleyClient`, which the app's narrow `ChatClient` is a part of.
 * A person watches this connection: waits between attempts stay short (at most 5 s, with jitter;
 * the client also probes /healthz and reconnects as soon as the server answers). In the background
 * the library's keep-alive (a ping after 25 s of silence, 5 s to answer) finds a silent socket within
 * about 30 s, cheaply for the server; when the person looks (window focus, the page becoming
 * visible, `online`) or sends after 5 s of silence, the connection store and the composer ask
 * `checkConnection` (lib/connection-checks.ts), which finds it dead within 3 s and reconnects at once.
 */
export function createClient(url: string, storage: KeyValueStorage): ParleyClient {
  return createParleyClient({
    url,
    storage,
    retryDelayMs: (attempt) => backoffDelay(attempt, { maxMs: 5_000 }),
  });
}
