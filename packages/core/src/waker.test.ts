import { afterEach, describe, expect, it, vi } from 'vitest';
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

  describe('per wait', () => {
    afterEach(() => vi.restoreAllMocks());

    it('sets a timer only when none is due sooner, and listens to a signal once', async () => {
      const waker = new Waker();
      const controller = new AbortController();
      const setTimer = vi.spyOn(globalThis, 'setTimeout');
      const listen = vi.spyOn(controller.signal, 'addEventListener');
      for (let i = 0; i < 50; i++) {
        const woken = waker.wait(10_000, controller.signal);
        waker.notify();
        await woken;
      }
      expect(setTimer).toHaveBeenCalledTimes(1);
      expect(listen).toHaveBeenCalledTimes(1);

      // A sooner deadline replaces the timer, and is kept.
      const started = Date.now();
      await waker.wait(20, controller.signal);
      expect(Date.now() - started).toBeGreaterThanOrEqual(15);
      expect(setTimer).toHaveBeenCalledTimes(2);
      waker.dispose();
    });

    it('clears its timer when the signal aborts or on dispose, so nothing outlives it', async () => {
      const clearTimer = vi.spyOn(globalThis, 'clearTimeout');
      const waker = new Waker();
      const controller = new AbortController();
      const woken = waker.wait(60_000, controller.signal);
      controller.abort();
      await woken;
      expect(clearTimer).toHaveBeenCalled();
      await waker.wait(60_000, controller.signal); // already aborted: at once

      const other = new Waker();
      const notified = other.wait(60_000, new AbortController().signal);
      other.notify();
      await notified;
      clearTimer.mockClear();
      other.dispose();
      expect(clearTimer).toHaveBeenCalledTimes(1);
      expect(clearTimer.mock.calls[0]?.[0]).toBeDefined();
    });
  });
});
