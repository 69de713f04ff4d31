export interface Segment {
  text: string;
  highlighted: boolean;
}

/**
 * Cuts a search snippet into plain and highlighted parts from `[start, end)` offsets (UTF-16 code
 * units). Offsets out of range or overlapping are clipped, never thrown on.
 */
export function highlightSegments(
  snippet: string,
  highlights: ReadonlyArray<readonly [number, number]>,
): Segment[] {
  const ranges = highlights
    .map(
      ([start, end]) =>
        [
          Math.max(0, Math.min(start, snippet.length)),
          Math.max(0, Math.min(end, snippet.length)),
        ] as const,
    )
    .filter(([start, end]) => end > start)
    .sort((a, b) => a[0] - b[0]);
  const segments: Segment[] = [];
  let cursor = 0;
  for (const [start, end] of ranges) {
    const from = Math.max(start, cursor);
    if (end <= from) continue;
    if (from > cursor) segments.push({ text: snippet.slice(cursor, from), highlighted: false });
    segments.push({ text: snippet.slice(from, end), highlighted: true });
    cursor = end;
  }
  if (cursor < snippet.length) segments.push({ text: snippet.slice(cursor), highlighted: false });
  return segments;
}
