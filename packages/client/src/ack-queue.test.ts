import { describe, expect, it, vi } from 'vitest';
import { AckQueue } from './ack-queue.js';
import { networkError, serverError } from '../test/test-errors.js';

describe('AckQueue', () => {
  it('batches ids gathered within the delay into one call, at most 500 per call', async () => {
    const calls: string[][] = [];
    const queue = new AckQueue({ ack: (ids) => Promise.resolve(void calls.push(ids)), delayMs: 5 });
    for (let i = 0; i < 1200; i++) queue.add(`m${i}`);
    queue.add('m0'); // a duplicate while queued is sent once
    await vi.waitFor(() => expect(queue.acknowledged).toBe(1200));
    expect(calls.map((c) => c.length)).toEqual([500, 500, 200]);
    expect(new Set(calls.flat()).size).toBe(1200);
  });

  it('retries a failed call with backoff and keeps ids that arrive meanwhile', async () => {
    const calls: string[][] = [];
    let failures = 2;
    const queue: AckQueue = new AckQueue({
      ack: (ids) => {
        calls.push(ids);
        if (calls.length === 1) queue.add('b'); // arrives while the first call is in flight
        return failures-- > 0 ? Promise.reject(networkError()) : Promise.resolve();
      },
      delayMs: 1,
      retryDelayMs: () => 5,
    });
    queue.add('a');
    await vi.waitFor(() => expect(queue.acknowledged).toBe(2));
    expect(calls[0]).toEqual(['a']);
    expect(calls.length).toBe(3);
    expect(calls.at(-1)?.sort()).toEqual(['a', 'b']);
  });

  it('drops a batch the server refuses for good', async () => {
    const queue = new AckQueue({
      ack: () => Promise.reject(serverError('FORBIDDEN', 'no')),
      delayMs: 1,
    });
    queue.add('x');
    await queue.flush();
    await vi.waitFor(() => expect(queue.size).toBe(0));
  });
});
