import { describe, expect, it } from 'vitest';
import { ErrorAggregator } from './error-aggregator.js';
import type { TrackedError } from './error-tracker.js';

describe('ErrorAggregator', () => {
  it('counts errors per kind and follows retried deliveries', () => {
    const errors = new ErrorAggregator();
    errors.observe(50, { err: new Error('boom'), path: 'x' }, 'unexpected error in an HTTP call');
    errors.observe(50, { event: 'metrics-route' }, 'metrics failed');
    errors.observe(50, null, 'unexpected error in an HTTP call');
    errors.observe(30, { event: 'ws-connect' }, 'WebSocket connected');
    errors.observe(
      30,
      { event: 'delivery', transition: 'retry', messageId: 'm1', retries: 1 },
      'x',
    );
    errors.observe(
      30,
      { event: 'delivery', transition: 'retry', messageId: 'm1', retries: 2 },
      'x',
    );
    errors.observe(
      30,
      { event: 'delivery', transition: 'retry', messageId: 'm2', retries: 1 },
      'x',
    );
    errors.observe(30, { event: 'delivery', transition: 'delivered', messageId: 'm2' }, 'x');
    errors.observe(30, { event: 'delivery', transition: 'failed', messageId: 'm1' }, 'x');
    errors.deliveryFailed();

    const summary = errors.summary();
    expect(summary.byKind).toEqual({
      'unexpected error in an HTTP call': 2,
      'metrics-route': 1,
      'delivery-failed': 1,
    });
    expect(summary.total).toBe(4);
    expect(summary.failedDeliveries).toBe(1);
    expect(summary.recentFailures).toEqual([{ messageId: 'm1', retries: 2 }]);
    expect(summary.retrying).toEqual({ messages: 0, maxRetries: 0, totalRetries: 0 });
  });

  it('forwards to an external tracker only when one is given, and survives a broken one', () => {
    const seen: TrackedError[] = [];
    const tracking = new ErrorAggregator({ capture: (error) => seen.push(error) });
    tracking.observe(50, { err: new TypeError('bad'), path: 'messages.send' }, 'unexpected');
    expect(seen).toHaveLength(1);
    expect(seen[0]!.kind).toBe('unexpected');
    expect(seen[0]!.error?.name).toBe('TypeError');
    expect(seen[0]!.context).toEqual({ path: 'messages.send' });

    const broken = new ErrorAggregator({
      capture: () => {
        throw new Error('tracker down');
      },
    });
    expect(() => broken.observe(50, null, 'x')).not.toThrow();
    expect(broken.summary().total).toBe(1);
  });
});
