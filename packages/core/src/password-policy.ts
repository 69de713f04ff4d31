import { failedPasswordRules, type PasswordRule } from '@parley/protocol';
import { isCommonPassword } from './common-passwords.js';

/** The sign-up rules a password breaks (docs/api.md, "Passwords"), by name. */
export function brokenPasswordRules(password: string, username: string): PasswordRule[] {
  const failed: PasswordRule[] = failedPasswordRules(password, username);
  if (!failed.includes('maxLength') && isCommonPassword(password)) failed.push('common');
  return failed;
}
