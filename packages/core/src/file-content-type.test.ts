import { describe, expect, it } from 'vitest';
import { storedContentType } from './file-content-type.js';

describe('storedContentType', () => {
  it('keeps allowed types, without parameters and in lower case', () => {
    expect(storedContentType('image/PNG')).toBe('image/png');
    expect(storedContentType('text/plain; charset=utf-8')).toBe('text/plain');
    expect(storedContentType('application/pdf')).toBe('application/pdf');
    expect(
      storedContentType('application/vnd.openxmlformats-officedocument.wordprocessingml.document'),
    ).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
  });

  it('turns anything else into application/octet-stream', () => {
    for (const declared of [
      'text/html',
      'image/svg+xml',
      'application/javascript',
      'text/html; charset=utf-8',
      'image/png, text/html',
      '',
      null,
      undefined,
    ]) {
      expect(storedContentType(declared)).toBe('application/octet-stream');
    }
  });
});
