/**
 * A tsquery literal: the text between single quotes, with quotes doubled and backslashes escaped,
 * so no input can end the literal or reach the query syntax (&, |, !, <->, :*, parentheses).
 */
export const tsQueryLiteral = (text: string): string =>
  `'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/**
 * The body part of a search, for to_tsquery with the search configuration: every word a literal
 * that the configuration splits and folds exactly like the indexed bodies (so `C++` finds `c`, and
 * `e-mail` the phrase), restricted to weight D (body words), the last word a prefix; all must match.
 * Null when there is no word.
 */
export function bodyTsQuery(words: string[]): string | null {
  // NUL cannot reach PostgreSQL in text, nor occur in a stored body.
  const present = words.map((word) => word.replaceAll('\0', '')).filter((word) => word.length > 0);
  if (present.length === 0) return null;
  return present
    .map((word, index) => `${tsQueryLiteral(word)}:${index === present.length - 1 ? '*' : ''}D`)
    .join(' & ');
}

/**
 * The owner part: the user's id as indexed (verbatim, weight A), a plain tsquery cast needs no
 * configuration.
 */
export const ownerTsQuery = (userId: string): string => `${tsQueryLiteral(userId)}:A`;
