import { describe, expect, it } from 'vitest';
import { TypingNotifier } from './typing-notifier.js';

function notifier() {
  let now = 1_000;
  const sent: Array<[string, boolean]> = [];
  const typing = new TypingNotifier({
    send: (conversationId, value) => {
      sent.push([conversationId, value]);
      return Promise.resolve();
    },
    now: () => now,
  });
  return {
    typing,
    sent,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('TypingNotifier', () => {
  it('sends true at the first key, renews at most every 3 s while keys keep coming', () => {
    const { typing, sent, advance } = notifier();
    typing.typed('c1');
    for (let i = 0; i < 29; i++) {
      advance(100);
      typing.typed('c1');
    }
    expect(sent).toEqual([['c1', true]]);
    advance(100); // 3 s after the first
    typing.typed('c1');
    expect(sent).toEqual([
      ['c1', true],
      ['c1', true],
    ]);
    expect(typing.typingIn).toBe('c1');
  });

  it('sends false once on stop, and nothing when nothing was sent', () => {
    const { typing, sent } = notifier();
    typing.stopped();
    expect(sent).toEqual([]);
    typing.typed('c1');
    typing.stopped('c2'); // another conversation: not this one
    typing.stopped();
    typing.stopped();
    expect(sent).toEqual([
      ['c1', true],
      ['c1', false],
    ]);
    expect(typing.typingIn).toBeNull();
    // typing again right after a stop is news at once, not a throttled renewal
    typing.typed('c1');
    expect(sent.at(-1)).toEqual(['c1', true]);
  });

  it('after a send, sends no false (the server ends it) and the next key starts again', () => {
    const { typing, sent } = notifier();
    typing.typed('c1');
    typing.sent('c1');
    typing.stopped();
    expect(sent).toEqual([['c1', true]]);
    typing.typed('c1');
    expect(sent).toEqual([
      ['c1', true],
      ['c1', true],
    ]);
  });

  it('typing in another conversation ends the first', () => {
    const { typing, sent } = notifier();
    typing.typed('c1');
    typing.typed('c2');
    expect(sent).toEqual([
      ['c1', true],
      ['c1', false],
      ['c2', true],
    ]);
  });

  it('a failed request is dropped without an unhandled rejection', async () => {
    const typing = new TypingNotifier({ send: () => Promise.reject(new Error('offline')) });
    typing.typed('c1');
    typing.stopped();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(typing.typingIn).toBeNull();
  });
});
