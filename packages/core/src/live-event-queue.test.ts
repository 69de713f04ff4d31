import type { AppendedEvent } from '@parley/db';
import { describe, expect, it } from 'vitest';
import { LiveEventQueue } from './live-event-queue.js';

const event = (seq: number): AppendedEvent => ({
  userId: 'u',
  seq,
  type: 'conversation',
  messageId: null,
  conversationId: 'c',
  payload: null,
  createdAt: 0,
  message: null,
});
const seqs = (events: AppendedEvent[]) => events.map((e) => e.seq);

describe('LiveEventQueue', () => {
  it('returns the run that continues the cursor, in order, whatever the arrival order', () => {
    const queue = new LiveEventQueue(100);
    queue.add([event(7), event(5)]);
    queue.add([event(6)]);
    expect(seqs(queue.takeAfter(4))).toEqual([5, 6, 7]);
    expect(queue.size).toBe(0);
  });

  it('stops at a gap and keeps what follows it', () => {
    const queue = new LiveEventQueue(100);
    queue.add([event(5), event(6), event(9)]);
    expect(seqs(queue.takeAfter(4))).toEqual([5, 6]);
    expect(seqs(queue.takeAfter(6))).toEqual([]);
    expect(queue.size).toBe(1);
    expect(queue.highest).toBe(9);
    expect(seqs(queue.takeAfter(8))).toEqual([9]);
  });

  it('drops what the cursor already passed, and duplicates', () => {
    const queue = new LiveEventQueue(100);
    queue.add([event(3), event(4), event(4), event(5)]);
    expect(seqs(queue.takeAfter(3))).toEqual([4, 5]);
    queue.add([event(2)]);
    expect(seqs(queue.takeAfter(5))).toEqual([]);
    expect(queue.size).toBe(0);
  });

  it('empties itself and says so when it overflows', () => {
    const queue = new LiveEventQueue(3);
    queue.add([event(1), event(2), event(3)]);
    expect(queue.overflowed).toBe(false);
    queue.add([event(4)]);
    expect(queue.overflowed).toBe(true);
    expect(queue.size).toBe(0);
  });
});
