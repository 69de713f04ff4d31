import { describe, expect, it } from 'vitest';
import { contentDisposition } from './content-disposition.js';

describe('contentDisposition', () => {
  it('gives an ASCII fallback (one _ per code point) and the UTF-8 name', () => {
    expect(contentDisposition('attachment', 'résumé "final" 😀.pdf')).toBe(
      `attachment; filename="r_sum_ _final_ _.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22%20%F0%9F%98%80.pdf`,
    );
  });

  it('escapes what RFC 5987 does not allow in filename*', () => {
    expect(contentDisposition('inline', "it's (1)*.png")).toBe(
      `inline; filename="it's (1)*.png"; filename*=UTF-8''it%27s%20%281%29%2A.png`,
    );
    expect(contentDisposition('attachment', 'a\\b%20c.txt')).toBe(
      `attachment; filename="a_b_20c.txt"; filename*=UTF-8''a%5Cb%2520c.txt`,
    );
  });
});
