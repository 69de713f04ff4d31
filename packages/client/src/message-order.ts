import { compareEventIds } from './event-ledger.js';

/**
 * Orders two message ids of one conversation in server order (docs/api.md: "Server order (`id`) is the order of
 * `history`"). The server's ids are increasing decimal strings; two ids of another form are only told equal or
 * not (0 or NaN), so nothing is ever taken as read or older on a guess.
 */
export function compareMessageIds(a: string, b: string): number {
  if (a === b) return 0;
  const decimal = /^\d+$/;
  return decimal.test(a) && decimal.test(b) ? compareEventIds(a, b) : Number.NaN;
}
