import { describe, expect, it } from 'vitest';
import { parseSnippet, snippetMarkers } from './search-snippet.js';

const { start, end } = snippetMarkers;

describe('parseSnippet', () => {
  it('strips markers and reports UTF-16 offsets of the matches', () => {
    const parsed = parseSnippet(`I ❤️ the ${start}café${end} and ${start}Cafe${end}s`);
    expect(parsed.snippet).toBe('I ❤️ the café and Cafes');
    expect(parsed.highlights.map(([a, b]) => parsed.snippet.slice(a, b))).toEqual(['café', 'Cafe']);
  });

  it('ignores an end marker without a start', () => {
    expect(parseSnippet(`a${end}b`)).toEqual({ snippet: 'ab', highlights: [] });
  });
});
