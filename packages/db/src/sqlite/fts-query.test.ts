import { describe, expect, it } from 'vitest';
import { ftsMatchExpression, ownerToken } from './fts-query.js';

describe('ftsMatchExpression', () => {
  it('quotes every word, makes the last a prefix and scopes to the owner', () => {
    expect(ftsMatchExpression(['meet', 'caf'], 'ab-cd')).toBe(
      'owners:"uabcd" AND body:"meet" AND body:"caf"*',
    );
  });

  it('has nothing to search without words', () => {
    expect(ftsMatchExpression([], 'ab')).toBeNull();
    expect(ftsMatchExpression([''], 'ab')).toBeNull();
  });

  it('doubles quotes, so a word can never close its string', () => {
    expect(ftsMatchExpression(['a"b'], 'x')).toBe('owners:"ux" AND body:"a""b"*');
  });

  it('derives owner tokens without separators', () => {
    expect(ownerToken('123e4567-e89b-12d3-a456-426614174000')).toBe(
      'u123e4567e89b12d3a456426614174000',
    );
  });
});
