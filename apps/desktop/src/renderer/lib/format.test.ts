import { describe, expect, it } from 'vitest';
import { formatDay, formatLastSeen, sameDay } from './format';

const noon = new Date(2026, 10, 25, 12, 0).getTime();
const hour = 3_600_000;

describe('format', () => {
  it('names days for the separators', () => {
    expect(formatDay(noon - hour, noon)).toBe('Today');
    expect(formatDay(noon - 24 * hour, noon)).toBe('Yesterday');
    expect(formatDay(noon - 5 * 24 * hour, noon)).not.toMatch(/Today|Yesterday/);
    expect(sameDay(noon, noon + hour)).toBe(true);
    expect(sameDay(noon, noon + 13 * hour)).toBe(false);
  });

  it('says when the peer was last seen', () => {
    expect(formatLastSeen(null, noon)).toBe('Offline');
    expect(formatLastSeen(noon - 10_000, noon)).toBe('Last seen just now');
    expect(formatLastSeen(noon - 5 * 60_000, noon)).toMatch(/^Last seen .*5 min/);
  });
});
