import { describe, expect, it } from 'vitest';
import { compareMessageIds } from './message-order.js';

describe('compareMessageIds', () => {
  it('orders decimal ids by value, not as text', () => {
    expect(compareMessageIds('9', '10')).toBeLessThan(0);
    expect(compareMessageIds('100', '99')).toBeGreaterThan(0);
    expect(compareMessageIds('12345678901234567890', '12345678901234567891')).toBeLessThan(0);
    expect(compareMessageIds('42', '42')).toBe(0);
  });

  it('never orders ids it cannot read: neither before nor after', () => {
    const result = compareMessageIds('abc', '10');
    expect(result > 0 || result < 0 || result === 0).toBe(false);
    expect(compareMessageIds('abc', 'abc')).toBe(0);
  });
});
