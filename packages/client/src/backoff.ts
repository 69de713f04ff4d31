/** Reconnect and retry delays: exponential from `baseMs` to `maxMs`, with jitter so clients do not retry in step. */
export interface BackoffOptions {
  /** Delay of the first retry. @default 500 */
  baseMs?: number;
  /** Largest delay. @default 30000 */
  maxMs?: number;
  /** Relative jitter: each delay is the nominal one times a random factor in [1 - jitter, 1 + jitter], then clamped. @default 0.2 */
  jitter?: number;
}

export const defaultBackoff: Required<BackoffOptions> = { baseMs: 500, maxMs: 30_000, jitter: 0.2 };

/**
 * The delay before retry number `attempt` (0 for the first retry): `baseMs · 2^attempt`, capped at `maxMs`,
 * with jitter, always within [baseMs, maxMs].
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const { baseMs, maxMs, jitter } = { ...defaultBackoff, ...options };
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 30);
  const nominal = Math.min(maxMs, baseMs * 2 ** exponent);
  const factor = 1 + jitter * (2 * random() - 1);
  return Math.round(Math.min(maxMs, Math.max(baseMs, nominal * factor)));
}
