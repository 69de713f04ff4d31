import { limits } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FILE_NAME, sanitizeFileName } from './file-name.js';

describe('sanitizeFileName', () => {
  it('keeps only the last part of a path, whichever separator', () => {
    expect(sanitizeFileName('../../etc/passwd')).toBe('passwd');
    expect(sanitizeFileName('C:\\Users\\me\\photo.png')).toBe('photo.png');
    expect(sanitizeFileName('/tmp/')).toBe(DEFAULT_FILE_NAME);
  });

  it('drops control and invisible direction characters, trims, keeps other Unicode', () => {
    expect(sanitizeFileName('a\u0000b\r\n.txt')).toBe('ab.txt');
    expect(sanitizeFileName('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
    expect(sanitizeFileName('  Ünïcødé 😀 файл.pdf ')).toBe('Ünïcødé 😀 файл.pdf');
    expect(sanitizeFileName('..')).toBe(DEFAULT_FILE_NAME);
    expect(sanitizeFileName('')).toBe(DEFAULT_FILE_NAME);
    expect(sanitizeFileName(null)).toBe(DEFAULT_FILE_NAME);
  });

  it('caps the length in code points and keeps a short extension', () => {
    const long = `${'😀'.repeat(300)}.jpeg`;
    const capped = sanitizeFileName(long);
    expect([...capped]).toHaveLength(limits.fileNameMaxCodePoints);
    expect(capped.endsWith('😀.jpeg')).toBe(true);
    expect([...sanitizeFileName('x'.repeat(400))]).toHaveLength(limits.fileNameMaxCodePoints);
  });
});
