import type { CheckConnectionOptions } from '@parley/client';

/**
 * How the app asks whether its socket still works. In the background the client's slow keep-alive
 * (25 s ping, 5 s to answer) is enough and cheap for the server; when a person starts looking, a
 * check answers within 3 s whether the connection is dead, and the client reconnects at once.
 */
export const lookingCheck: CheckConnectionOptions = { timeoutMs: 3_000 };

/** Before a send: only when the socket has been silent a while (a lively chat costs no round trips). */
export const sendingCheck: CheckConnectionOptions = { timeoutMs: 3_000, ifSilentForMs: 5_000 };
