import { describe, expect, it } from 'vitest';
import { parseProcStat, parseSchedstat } from './proc-stat.js';

// A real line of a postgres background process, and one whose name holds spaces and parentheses.
const checkpointer =
  '2193 (postgres) S 2192 2193 2193 0 -1 4194368 624 0 1 0 6 21 0 0 20 0 1 0 2911 222765056 7917 18446744073709551615 94006841823232 94006847279577 140731382962768 0 0 0 4194304 24145920 536873479 1 0 0 17 0 0 0 0 0 0';
const oddName =
  '77 (a (b) c) R 1 77 77 0 -1 0 0 0 0 0 1234 567 8 9 20 0 12 0 99999 1000 10 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n';

describe('parseProcStat', () => {
  it('reads utime, stime, ppid and start time counted from the last parenthesis', () => {
    expect(parseProcStat(checkpointer)).toEqual({
      comm: 'postgres',
      state: 'S',
      ppid: 2192,
      utimeTicks: 6,
      stimeTicks: 21,
      startTicks: 2911,
    });
    expect(parseProcStat(oddName)).toMatchObject({
      comm: 'a (b) c',
      state: 'R',
      ppid: 1,
      utimeTicks: 1234,
      stimeTicks: 567,
      startTicks: 99999,
    });
  });

  it('refuses what is not a stat line', () => {
    expect(() => parseProcStat('')).toThrow();
    expect(() => parseProcStat('12 (x) S 1')).toThrow(/field/);
  });
});

describe('parseSchedstat', () => {
  it('takes the run time in nanoseconds', () => {
    expect(parseSchedstat('275886730 588087879 2689\n')).toBe(275886730);
    expect(() => parseSchedstat('')).toThrow();
  });
});
