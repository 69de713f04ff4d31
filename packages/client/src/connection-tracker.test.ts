import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionTracker, type ConnectionState } from './connection-tracker.js';

describe('ConnectionTracker', () => {
  const tracker = new ConnectionTracker();
  afterEach(() => tracker.close());

  it('keeps the earlier of two scheduled retries, so a countdown never jumps up', () => {
    const seen: ConnectionState[] = [];
    tracker.onChange((state) => seen.push(state));
    const now = Date.now();
    tracker.set({ kind: 'online' });
    tracker.set({ kind: 'reconnecting', retryAt: now + 3_000 });
    tracker.set({ kind: 'reconnecting', retryAt: now + 17_000 });
    expect(tracker.get()).toEqual({ kind: 'reconnecting', retryAt: now + 3_000 });
    tracker.set({ kind: 'reconnecting', retryAt: now + 1_000 });
    expect(tracker.get()).toEqual({ kind: 'reconnecting', retryAt: now + 1_000 });
    // after an attempt (connecting), a new wait may be longer
    tracker.set({ kind: 'connecting' });
    tracker.set({ kind: 'reconnecting', retryAt: now + 6_000 });
    expect(seen.map((s) => (s.kind === 'reconnecting' ? s.retryAt - now : s.kind))).toEqual([
      'online',
      3_000,
      1_000,
      'connecting',
      6_000,
    ]);
  });
});
