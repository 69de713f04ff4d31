import { describe, expect, it } from 'vitest';
import { searchWords } from './search-words.js';

describe('searchWords', () => {
  it('keeps letters, digits and marks, and drops every operator and punctuation', () => {
    expect(searchWords(`'; DROP TABLE messages; --`)).toEqual(['DROP', 'TABLE', 'messages']);
    expect(searchWords('C++ foo.bar -foo NEAR( "x" AND *')).toEqual([
      'C',
      'foo',
      'bar',
      'foo',
      'NEAR',
      'x',
      'AND',
    ]);
    expect(searchWords('café naïve 東京')).toEqual(['café', 'naïve', '東京']);
    expect(searchWords('"*()-:^')).toEqual([]);
  });

  it('composes decomposed accents so the index sees one word', () => {
    expect(searchWords('cafe\u0301')).toEqual(['café']);
  });

  it('caps the number of words', () => {
    expect(searchWords('a '.repeat(100))).toHaveLength(16);
  });
});
