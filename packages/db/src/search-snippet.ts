const MARK_START = '\u0001';
const MARK_END = '\u0002';

/** Control characters that a dialect's snippet function puts around each match. */
export const snippetMarkers = { start: MARK_START, end: MARK_END } as const;

/** Strips the snippet's markers, returning the plain text and [start, end) offsets of the matches. */
export function parseSnippet(marked: string): {
  snippet: string;
  highlights: Array<[number, number]>;
} {
  let snippet = '';
  const highlights: Array<[number, number]> = [];
  let openAt = -1;
  for (const char of marked) {
    if (char === MARK_START) openAt = snippet.length;
    else if (char === MARK_END) {
      if (openAt >= 0) highlights.push([openAt, snippet.length]);
      openAt = -1;
    } else snippet += char;
  }
  return { snippet, highlights };
}
