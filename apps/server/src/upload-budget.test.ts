import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { UploadBudget } from './upload-budget.js';

/** A budget on a fake clock that records every wait instead of sleeping. */
function budgetWith(saturated: () => boolean) {
  let clock = 1_000;
  const waits: number[] = [];
  const budget = new UploadBudget({
    load: { isSaturated: saturated },
    saturatedBytesPerSecond: 1_000_000,
    now: () => clock,
    wait: (ms) => {
      waits.push(ms);
      clock += ms;
      return Promise.resolve();
    },
  });
  return { budget, waits, advance: (ms: number) => (clock += ms) };
}

describe('UploadBudget', () => {
  it('lets bytes pass at once while the event loop is not saturated', async () => {
    const { budget, waits } = budgetWith(() => false);
    for (let i = 0; i < 100; i++) await budget.take(1_000_000);
    expect(waits).toEqual([]);
  });

  it('paces every upload of the process at one shared rate while saturated', async () => {
    const { budget, waits } = budgetWith(() => true);
    // Two uploads of 100 kB chunks, interleaved: together they get 1 MB/s, 100 ms per chunk.
    await Promise.all([budget.take(100_000), budget.take(100_000)]);
    await budget.take(100_000);
    expect(waits).toEqual([100, 100]);
  });

  it('forgets the debt of a saturated spell once the loop has room again', async () => {
    let saturated = true;
    const { budget, waits } = budgetWith(() => saturated);
    await budget.take(500_000);
    await budget.take(500_000); // waits 500 ms
    saturated = false;
    await budget.take(10_000_000);
    saturated = true;
    await budget.take(100_000); // starts afresh: no wait for the bytes that passed freely
    expect(waits).toEqual([500]);
  });

  it('passes a stream through unchanged, in order', async () => {
    const { budget, waits } = budgetWith(() => true);
    const chunks = [Buffer.from('a'.repeat(50_000)), Buffer.from('b'.repeat(50_000))];
    const out: Buffer[] = [];
    for await (const chunk of Readable.from(chunks).pipe(budget.pacer(64 * 1024))) {
      out.push(chunk as Buffer);
    }
    expect(Buffer.concat(out).equals(Buffer.concat(chunks))).toBe(true);
    expect(waits).toEqual([50]);
  });
});
