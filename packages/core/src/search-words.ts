/**
 * The words of a search as the index sees them: runs of letters, digits and combining marks.
 * Everything else (quotes, operators, punctuation) separates words and is never syntax.
 */
export function searchWords(query: string): string[] {
  return (query.normalize('NFC').match(/[\p{L}\p{N}\p{M}]+/gu) ?? []).slice(0, 16);
}
