import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  it('starts at 0.5 s and doubles up to 30 s without jitter', () => {
    const delays = Array.from({ length: 10 }, (_, attempt) => backoffDelay(attempt, { jitter: 0 }));
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000]);
  });

  it('stays within [0.5 s, 30 s] and within ±20 % of the nominal delay for any random value', () => {
    for (let attempt = 0; attempt < 40; attempt++) {
      const nominal = Math.min(30_000, 500 * 2 ** attempt);
      for (const r of [0, 1e-9, 0.25, 0.5, 0.75, 0.999999, 1]) {
        const delay = backoffDelay(attempt, {}, () => r);
        expect(delay).toBeGreaterThanOrEqual(500);
        expect(delay).toBeLessThanOrEqual(30_000);
        expect(delay).toBeGreaterThanOrEqual(Math.max(500, Math.floor(nominal * 0.8)));
        expect(delay).toBeLessThanOrEqual(Math.min(30_000, Math.ceil(nominal * 1.2)));
      }
    }
  });

  it('spreads clients apart: real random delays of one attempt differ', () => {
    const delays = new Set(Array.from({ length: 200 }, () => backoffDelay(4)));
    expect(delays.size).toBeGreaterThan(50);
    for (const d of delays) expect(d >= 6400 && d <= 9600).toBe(true);
  });

  it('treats negative, fractional and huge attempts sanely', () => {
    expect(backoffDelay(-3, { jitter: 0 })).toBe(500);
    expect(backoffDelay(2.7, { jitter: 0 })).toBe(2000);
    expect(backoffDelay(10_000, { jitter: 0 })).toBe(30_000);
  });
});
