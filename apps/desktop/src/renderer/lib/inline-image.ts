/**
 * The only types shown as a picture: raster formats the browser decodes without running anything.
 * SVG (which can carry script) and HTML are never rendered inline; they are file cards.
 */
const INLINE_IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

export const isInlineImage = (contentType: string): boolean =>
  INLINE_IMAGE_TYPES.has(contentType.toLowerCase());
