import type { ErrorInfo } from './errors';

/** "45 s", "2 min" (rounded up: never tell someone to come back too early). */
export function formatWait(seconds: number): string {
  const whole = Math.max(1, Math.ceil(seconds));
  return whole < 60 ? `${whole} s` : `${Math.ceil(whole / 60)} min`;
}

/**
 * What a refused login says. The server's message for a lockout already names the wait ("… Try again
 * in 116 s."); it is said once, in the friendlier unit, and added only when the server did not say it.
 */
export function loginErrorMessage(info: ErrorInfo): string {
  if (info.code !== 'TOO_MANY_REQUESTS' || info.retryAfter === null) return info.message;
  const reason = info.message.replace(/\s*Try again in [^.]*\.?\s*$/i, '').trim();
  return `${reason} Try again in ${formatWait(info.retryAfter)}.`.trim();
}
