import { describe, expect, it } from 'vitest';
import { Waker } from './waker.js';

describe('Waker', () => {
  it('does not lose a notify that comes before the wait', async () => {
    const waker = new Waker();
    waker.notify();
    const started = Date.now();
    await waker.wait(10_000, new AbortController().signal);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('wakes on notify, on timeout and on abort', async () => {
    const waker = new Waker();
    const woken = waker.wait(10_000, new AbortController().signal);
    setTimeout(() => waker.notify(), 5);
    await woken;

    const started = Date.now();
    await waker.wait(20, new AbortController().signal);
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);

    const controller = new AbortController();
    const aborted = waker.wait(10_000, controller.signal);
    controller.abort();
    await aborted;
  });
});
