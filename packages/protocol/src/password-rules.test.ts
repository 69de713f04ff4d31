import { describe, expect, it } from 'vitest';
import { failedPasswordRules, passwordRuleMessages } from './password-rules.js';

describe('failedPasswordRules', () => {
  it('accepts a password that meets every rule', () => {
    expect(failedPasswordRules('Tr0ub4dor-xyz', 'alice')).toEqual([]);
  });

  it('names each failed rule, in display order', () => {
    expect(failedPasswordRules('abc')).toEqual(['minLength', 'uppercase', 'digit']);
    expect(failedPasswordRules('ABCDEFGH1')).toEqual(['lowercase']);
    expect(failedPasswordRules('')).toEqual(['minLength', 'uppercase', 'lowercase', 'digit']);
  });

  it('counts length in code points, so emoji count once', () => {
    const sevenEmojiAndRules = 'Aa1' + '😀'.repeat(4);
    expect(sevenEmojiAndRules.length).toBeGreaterThanOrEqual(8);
    expect(failedPasswordRules(sevenEmojiAndRules)).toEqual(['minLength']);
    expect(failedPasswordRules('Aa1' + '😀'.repeat(5))).toEqual([]);
  });

  it('rejects more than 128 characters instead of truncating', () => {
    expect(failedPasswordRules('Aa1' + 'x'.repeat(125))).toEqual([]);
    expect(failedPasswordRules('Aa1' + 'x'.repeat(126))).toEqual(['maxLength']);
  });

  it('rejects a password containing the username, whatever the case', () => {
    expect(failedPasswordRules('xxAlice99Z', 'alice')).toEqual(['notUsername']);
    expect(failedPasswordRules('xxAlice99Z', 'bob')).toEqual([]);
  });

  it('recognises non-Latin upper and lower case letters', () => {
    expect(failedPasswordRules('Ωμέγα12345')).toEqual([]);
  });

  it('has a message for every rule', () => {
    for (const rule of [
      'minLength',
      'maxLength',
      'uppercase',
      'lowercase',
      'digit',
      'notUsername',
      'common',
    ] as const) {
      expect(passwordRuleMessages[rule]).toMatch(/\w/);
    }
  });
});
