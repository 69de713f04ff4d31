import type { AppendedEvent } from '@parley/db';

/**
 * The events a stream received from the live feed and has not yet sent, in log order. Publications
 * of one commit can arrive out of order, and another process's appends never arrive here, so the
 * stream takes only a run that continues its cursor without a gap; the rest it reads from the log.
 */
export class LiveEventQueue {
  private events: AppendedEvent[] = [];
  /** Set when events were dropped (the queue was full): the log must be read. */
  overflowed = false;

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.events.length;
  }

  /** The highest event id received, or 0. */
  get highest(): number {
    return this.events[this.events.length - 1]?.seq ?? 0;
  }

  add(incoming: AppendedEvent[]): void {
    for (const event of incoming) {
      let index = this.events.length;
      while (index > 0 && this.events[index - 1]!.seq > event.seq) index--;
      if (this.events[index - 1]?.seq === event.seq) continue;
      this.events.splice(index, 0, event);
    }
    if (this.events.length > this.capacity) {
      this.events = [];
      this.overflowed = true;
    }
  }

  /** Removes and returns the events that follow `cursor` without a gap. */
  takeAfter(cursor: number): AppendedEvent[] {
    let start = 0;
    while (start < this.events.length && this.events[start]!.seq <= cursor) start++;
    let end = start;
    let expected = cursor + 1;
    while (end < this.events.length && this.events[end]!.seq === expected) {
      end++;
      expected++;
    }
    const run = this.events.slice(start, end);
    this.events = this.events.slice(end);
    return run;
  }
}
