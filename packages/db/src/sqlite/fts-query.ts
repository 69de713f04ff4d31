/**
 * Builds an FTS5 MATCH expression from words, never from the user's raw text: every word is a quoted
 * string (so AND, NEAR(, *, - and quotes are just text), the last one a prefix, and the owner's token
 * restricts the match to their conversations inside the index lookup.
 */
export function ftsMatchExpression(words: string[], ownerId: string): string | null {
  const safe = words.map((word) => word.replace(/"/g, '""')).filter((word) => word.length > 0);
  if (safe.length === 0) return null;
  const phrases = safe.map(
    (word, index) => `body:"${word}"${index === safe.length - 1 ? '*' : ''}`,
  );
  return [`owners:"${ownerToken(ownerId)}"`, ...phrases].join(' AND ');
}

/** The token under which a participant's messages are indexed (see the search migration). */
export const ownerToken = (userId: string): string => `u${userId.replace(/-/g, '')}`;

const MARK_START = '\u0001';
const MARK_END = '\u0002';
export const snippetMarkers = { start: MARK_START, end: MARK_END } as const;

/** Strips snippet()'s markers, returning the plain text and [start, end) offsets of the matches. */
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
