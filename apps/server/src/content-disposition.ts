/** RFC 5987 attr-char: what may stay unescaped in `filename*`. */
const encodeExtValue = (value: string): string =>
  encodeURIComponent(value).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );

/**
 * `Content-Disposition` for a download (RFC 6266): the name as UTF-8 in `filename*`, and an ASCII
 * `filename` fallback for old clients with every other character (and quotes, backslashes,
 * percent signs) replaced by `_`.
 */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/gu, '_');
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encodeExtValue(name)}`;
}
