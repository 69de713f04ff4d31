export type TextPart =
  { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

/** http(s) addresses in running text; `www.` alone or other schemes (javascript:, data:, file:) are text. */
const candidate = /\bhttps?:\/\/[^\s<>"]+/gi;
/** Punctuation that usually ends the sentence, not the address: "see https://x.org/a." */
const trailing = /[.,:;!?'’)\]}]+$/;

/** The address as a safe http(s) URL, or null. */
function safeHref(text: string): string | null {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * Cuts a message body into plain text and http/https links. Only those two schemes ever become
 * links; a closing parenthesis stays in the link when the link opened one (wiki-style addresses).
 */
export function linkify(body: string): TextPart[] {
  const parts: TextPart[] = [];
  let cursor = 0;
  for (const match of body.matchAll(candidate)) {
    const start = match.index;
    let text = match[0];
    const cut = trailing.exec(text);
    if (cut) {
      let tail = cut[0];
      // keep a ")" that closes a "(" inside the address
      while (
        tail.startsWith(')') &&
        count(text.slice(0, -tail.length), '(') > count(text.slice(0, -tail.length), ')')
      ) {
        tail = tail.slice(1);
      }
      text = text.slice(0, text.length - tail.length);
    }
    const href = safeHref(text);
    if (!href) continue;
    if (start > cursor) parts.push({ kind: 'text', text: body.slice(cursor, start) });
    parts.push({ kind: 'link', text, href });
    cursor = start + text.length;
  }
  if (cursor < body.length) parts.push({ kind: 'text', text: body.slice(cursor) });
  return parts;
}

const count = (text: string, char: string): number => text.split(char).length - 1;
