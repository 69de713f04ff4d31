import { describe, expect, it } from 'vitest';
import { highlightSegments } from './highlight';
import { parseRoute, routeHash } from './router';

describe('highlightSegments', () => {
  it('splits a snippet around the highlighted ranges', () => {
    expect(
      highlightSegments('we meet at noon, noon sharp', [
        [11, 15],
        [17, 21],
      ]),
    ).toEqual([
      { text: 'we meet at ', highlighted: false },
      { text: 'noon', highlighted: true },
      { text: ', ', highlighted: false },
      { text: 'noon', highlighted: true },
      { text: ' sharp', highlighted: false },
    ]);
  });

  it('clips bad ranges instead of throwing', () => {
    expect(
      highlightSegments('abc', [
        [2, 99],
        [1, 2],
        [-5, 0],
        [2, 1],
      ]),
    ).toEqual([
      { text: 'a', highlighted: false },
      { text: 'b', highlighted: true },
      { text: 'c', highlighted: true },
    ]);
  });
});

describe('routes', () => {
  it('round-trips', () => {
    for (const hash of ['#/login', '#/signup', '#/chats', '#/chats/c%2F1', '#/chats/c1/m9']) {
      expect(routeHash(parseRoute(hash))).toBe(hash);
    }
    expect(parseRoute('')).toEqual({ name: 'chats', conversationId: null, messageId: null });
  });
});
