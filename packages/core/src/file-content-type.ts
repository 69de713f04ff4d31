/**
 * Types a download may carry as declared: raster images, PDF, plain text, common office documents
 * and archives. Anything else (HTML, SVG, scripts, unknown types) is stored as
 * `application/octet-stream`, so no browser ever renders it as a page.
 */
const ALLOWED = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'text/plain',
  'text/csv',
  'application/rtf',
  'application/msword',
  'application/vnd.ms-excel',
  'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.presentation',
  'application/zip',
  'application/gzip',
  'application/x-7z-compressed',
  'application/x-tar',
]);

export const FALLBACK_CONTENT_TYPE = 'application/octet-stream';

/** Downloads shown in the page rather than saved: raster images only (never SVG). */
export const INLINE_CONTENT_TYPES: ReadonlySet<string> = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
]);

/** The declared type without parameters, lower-cased, if it is on the allowlist; else octet-stream. */
export function storedContentType(declared: string | null | undefined): string {
  const essence = (declared ?? '').split(';', 1)[0]!.trim().toLowerCase();
  return ALLOWED.has(essence) ? essence : FALLBACK_CONTENT_TYPE;
}
