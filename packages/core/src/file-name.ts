import { limits } from '@parley/protocol';

/**
 * Control characters (C0, DEL, C1) and the invisible format characters that can disguise a name
 * (bidirectional overrides and isolates: `invoice‮fdp.exe` shows as `invoiceexe.pdf`), and
 * the zero-width ones.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/gu;

/** The name a file gets when the client gave none, or nothing of it was left. */
export const DEFAULT_FILE_NAME = 'file';

/**
 * The display name of an upload: the last part of any path (`/` and `\` both separate), without
 * control or invisible format characters, trimmed, at most `limits.fileNameMaxCodePoints` code
 * points (keeping a short extension). It is only ever shown and put in a header, never used as a path.
 */
export function sanitizeFileName(raw: string | null | undefined): string {
  const lastPart = (raw ?? '').split(/[/\\]/).pop() ?? '';
  const cleaned = lastPart.normalize('NFC').replace(UNSAFE, '').trim();
  if (cleaned === '' || cleaned === '.' || cleaned === '..') return DEFAULT_FILE_NAME;
  const codePoints = [...cleaned];
  const max = limits.fileNameMaxCodePoints;
  if (codePoints.length <= max) return cleaned;
  const dot = cleaned.lastIndexOf('.');
  const extension = dot > 0 ? [...cleaned.slice(dot)] : [];
  if (extension.length > 1 && extension.length <= 16) {
    return codePoints.slice(0, max - extension.length).join('') + extension.join('');
  }
  return codePoints.slice(0, max).join('');
}
