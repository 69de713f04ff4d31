/**
 * Builds an FTS5 MATCH expression from words, never from the user's raw text: every word is a quoted
 * string (so AND, NEAR(, *, - and quotes are just text), the last one a prefix, and the owner's token
 * restricts the match to their conversations inside the index lookup.
 */
export function ftsMatchExpression(words: string[], ownerId: string): string | null {
  // FTS5 ends a string at NUL ("unterminated string"), and no body word contains one.
  const safe = words
    .map((word) => word.replaceAll('\0', '').replace(/"/g, '""'))
    .filter((word) => word.length > 0);
  if (safe.length === 0) return null;
  const phrases = safe.map(
    (word, index) => `body:"${word}"${index === safe.length - 1 ? '*' : ''}`,
  );
  return [`owners:"${ownerToken(ownerId)}"`, ...phrases].join(' AND ');
}

/** The token under which a participant's messages are indexed (see the search migration). */
export const ownerToken = (userId: string): string => `u${userId.replace(/-/g, '')}`;
