/** 3×5 pixel glyphs for the overlay's text. */
const glyphs: Record<string, readonly string[]> = {
  '0': ['###', '#.#', '#.#', '#.#', '###'],
  '1': ['.#.', '##.', '.#.', '.#.', '###'],
  '2': ['###', '..#', '###', '#..', '###'],
  '3': ['###', '..#', '.##', '..#', '###'],
  '4': ['#.#', '#.#', '###', '..#', '..#'],
  '5': ['###', '#..', '###', '..#', '###'],
  '6': ['###', '#..', '###', '#.#', '###'],
  '7': ['###', '..#', '.#.', '.#.', '.#.'],
  '8': ['###', '#.#', '###', '#.#', '###'],
  '9': ['###', '#.#', '###', '..#', '###'],
  '+': ['...', '.#.', '###', '.#.', '...'],
};

/** What the overlay says: nothing for 0, the count up to 9, then "9+". */
export function badgeText(count: number): string {
  if (count <= 0) return '';
  return count > 9 ? '9+' : String(count);
}

/** Screen-reader description Windows shows with the overlay. */
export function badgeDescription(count: number): string {
  if (count <= 0) return '';
  return count === 1 ? '1 unread message' : `${count} unread messages`;
}

/**
 * Draws the taskbar overlay: a red disc with the count in white, as a raw BGRA bitmap of
 * `size`×`size` (what `nativeImage.createFromBitmap` takes), so no image library or file is needed.
 */
export function renderBadgeBitmap(count: number, size = 32): Buffer {
  const pixels = Buffer.alloc(size * size * 4); // transparent
  const text = badgeText(count);
  if (!text) return pixels;
  const put = (x: number, y: number, [b, g, r, a]: readonly number[]): void => {
    if (x < 0 || y < 0 || x >= size || y >= size) return;
    pixels.set([b ?? 0, g ?? 0, r ?? 0, a ?? 0], (y * size + x) * 4);
  };
  const centre = (size - 1) / 2;
  const radius = size / 2;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if ((x - centre) ** 2 + (y - centre) ** 2 <= radius * radius)
        put(x, y, [0x2f, 0x2f, 0xd9, 0xff]);
    }
  }
  const scale = Math.max(1, Math.floor(size / (text.length === 1 ? 8 : 10)));
  const glyphWidth = 3 * scale;
  const gap = scale;
  const textWidth = text.length * glyphWidth + (text.length - 1) * gap;
  const left = Math.round((size - textWidth) / 2);
  const top = Math.round((size - 5 * scale) / 2);
  [...text].forEach((character, index) => {
    const rows = glyphs[character] ?? [];
    rows.forEach((row, gy) => {
      [...row].forEach((cell, gx) => {
        if (cell !== '#') return;
        for (let dy = 0; dy < scale; dy++) {
          for (let dx = 0; dx < scale; dx++) {
            put(
              left + index * (glyphWidth + gap) + gx * scale + dx,
              top + gy * scale + dy,
              [0xff, 0xff, 0xff, 0xff],
            );
          }
        }
      });
    });
  });
  return pixels;
}
