/** Options of `client.checkConnection()`. */
export interface CheckConnectionOptions {
  /** How long the server has to answer before the socket counts as dead. @default 3000 */
  timeoutMs?: number;
  /**
   * Answer `'alive'` without a round trip when the socket received a frame within this many ms (a check
   * before each send then costs nothing in a lively conversation). @default 0: always ask the server
   */
  ifSilentForMs?: number;
}

/**
 * What `client.checkConnection()` found:
 * - `'alive'`: the server answered on the socket within the timeout (or the socket received a frame
 *   within `ifSilentForMs`).
 * - `'reconnecting'`: no answer in time, or no open socket: a new socket is on its way at once, not
 *   after the backoff (the state goes to `connecting`), or an attempt was already running.
 * - `'offline'`: signed out or closed; nothing was done.
 */
export type ConnectionCheck = 'alive' | 'reconnecting' | 'offline';
