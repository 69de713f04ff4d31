import { describe, expect, it } from 'vitest';
import { formatWait, loginErrorMessage } from './lockout-message';

const info = (message: string, code: string | null, retryAfter: number | null) => ({
  message,
  code,
  fieldErrors: {},
  retryAfter,
});

describe('loginErrorMessage', () => {
  it('says the wait once, in minutes when it is long', () => {
    expect(
      loginErrorMessage(
        info('Too many failed logins. Try again in 116 s.', 'TOO_MANY_REQUESTS', 116),
      ),
    ).toBe('Too many failed logins. Try again in 2 min.');
    expect(
      loginErrorMessage(
        info('Too many failed logins. Try again in 45 s.', 'TOO_MANY_REQUESTS', 45),
      ),
    ).toBe('Too many failed logins. Try again in 45 s.');
  });

  it('adds the wait when the server did not say it, and leaves other errors alone', () => {
    expect(loginErrorMessage(info('Slow down.', 'TOO_MANY_REQUESTS', 600))).toBe(
      'Slow down. Try again in 10 min.',
    );
    expect(loginErrorMessage(info('Wrong username or password.', 'UNAUTHORIZED', null))).toBe(
      'Wrong username or password.',
    );
  });

  it('rounds waits up', () => {
    expect(formatWait(0.2)).toBe('1 s');
    expect(formatWait(59)).toBe('59 s');
    expect(formatWait(61)).toBe('2 min');
  });
});
