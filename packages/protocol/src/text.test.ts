import { describe, expect, it } from 'vitest';
import { codePointLength } from './text.js';

describe('codePointLength', () => {
  it('counts astral characters once, unlike String#length', () => {
    expect(codePointLength('😀')).toBe(1);
    expect('😀'.length).toBe(2);
    expect(codePointLength('héllo 😀')).toBe(7);
    expect(codePointLength('')).toBe(0);
  });
});
