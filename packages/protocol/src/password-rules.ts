import { limits } from './limits.js';

/** Names of the password rules, reported by name when they fail (docs/api.md, "Passwords"). */
export type PasswordRule =
  'minLength' | 'maxLength' | 'uppercase' | 'lowercase' | 'digit' | 'notUsername' | 'common';

export const passwordRuleMessages: Record<PasswordRule, string> = {
  minLength: `At least ${limits.passwordMinLength} characters`,
  maxLength: `At most ${limits.passwordMaxLength} characters`,
  uppercase: 'An uppercase letter',
  lowercase: 'A lowercase letter',
  digit: 'A digit',
  notUsername: 'Does not contain the username',
  common: 'Not a commonly used password',
};

const countCodePoints = (text: string): number => [...text].length;

/**
 * The rules a client can check by itself, in display order. The `common` rule needs the server's
 * password list, so it is checked only there.
 */
export function failedPasswordRules(password: string, username = ''): PasswordRule[] {
  const failed: PasswordRule[] = [];
  const length = countCodePoints(password);
  if (length < limits.passwordMinLength) failed.push('minLength');
  if (length > limits.passwordMaxLength) failed.push('maxLength');
  if (!/\p{Lu}/u.test(password)) failed.push('uppercase');
  if (!/\p{Ll}/u.test(password)) failed.push('lowercase');
  if (!/\p{Nd}/u.test(password)) failed.push('digit');
  if (username.length > 0 && password.toLowerCase().includes(username.toLowerCase())) {
    failed.push('notUsername');
  }
  return failed;
}
