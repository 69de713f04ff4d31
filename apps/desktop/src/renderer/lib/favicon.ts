/** The app's mark: a speech bubble on the accent colour. */
const mark =
  '<rect width="64" height="64" rx="14" fill="#2f6fdb"/>' +
  '<path d="M16 18h32a6 6 0 0 1 6 6v14a6 6 0 0 1-6 6H30l-10 8v-8h-4a6 6 0 0 1-6-6V24a6 6 0 0 1 6-6z" fill="#fff"/>';

/** The favicon as SVG text: the mark, with a red badge counting unread messages when there are any. */
export function faviconSvg(unread: number): string {
  const count = Math.max(0, Math.floor(unread));
  const badge =
    count === 0
      ? ''
      : '<circle cx="46" cy="18" r="18" fill="#dc2626"/>' +
        `<text x="46" y="25" font-family="Arial,sans-serif" font-size="${count > 9 ? 18 : 22}" font-weight="700" text-anchor="middle" fill="#fff">${count > 99 ? '99+' : count}</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">${mark}${badge}</svg>`;
}

/** The favicon as a data: URL (the page's CSP admits data: images). */
export const faviconUrl = (unread: number): string =>
  `data:image/svg+xml,${encodeURIComponent(faviconSvg(unread))}`;

/** "(3) Parley", or "Parley". */
export const documentTitle = (unread: number): string =>
  unread > 0 ? `(${unread}) Parley` : 'Parley';
