import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { retryWhileOpen } from './retry-while-open.js';

const silent = pino({ level: 'silent' });

describe('retryWhileOpen', () => {
  it('retries a failing operation with growing delays until it succeeds', async () => {
    const calls: number[] = [];
    const result = await retryWhileOpen(
      () => {
        calls.push(Date.now());
        return calls.length < 4 ? Promise.reject(new Error('SQLITE_BUSY')) : Promise.resolve('ok');
      },
      new AbortController().signal,
      silent,
      {},
    );
    expect(result).toBe('ok');
    expect(calls).toHaveLength(4);
    const gaps = calls.slice(1).map((at, i) => at - calls[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(90);
    expect(gaps[2]).toBeGreaterThanOrEqual(390);
  });

  it('gives up with the error once the stream is closed', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    await expect(
      retryWhileOpen(() => Promise.reject(new Error('still down')), controller.signal, silent, {}),
    ).rejects.toThrow('still down');
  });
});
