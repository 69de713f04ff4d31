import { describe, expect, it } from 'vitest';
import { createHealthCheck } from './health-check.js';

describe('createHealthCheck', () => {
  it('is starting until ready, then ok while the database answers', async () => {
    let ready = false;
    const health = createHealthCheck({ isReady: () => ready, ping: () => Promise.resolve() });
    expect(await health()).toBe('starting');
    ready = true;
    expect(await health()).toBe('ok');
  });

  it('reports the database unavailable when the ping fails or hangs', async () => {
    let mode: 'fail' | 'hang' | 'answer' = 'fail';
    const health = createHealthCheck({
      isReady: () => true,
      timeoutMs: 50,
      ping: () =>
        mode === 'fail'
          ? Promise.reject(new Error('connection refused'))
          : mode === 'hang'
            ? new Promise<void>(() => undefined)
            : Promise.resolve(),
    });
    expect(await health()).toBe('database-unavailable');
    mode = 'hang';
    expect(await health()).toBe('database-unavailable');
    mode = 'answer';
    expect(await health()).toBe('ok');
  });

  it('shares one ping among checks that arrive while it is out', async () => {
    let pings = 0;
    let answer: () => void = () => undefined;
    const health = createHealthCheck({
      isReady: () => true,
      ping: () => {
        pings += 1;
        return new Promise<void>((resolve) => (answer = resolve));
      },
    });
    const checks = [health(), health(), health()];
    answer();
    expect(await Promise.all(checks)).toEqual(['ok', 'ok', 'ok']);
    expect(pings).toBe(1);
  });
});
