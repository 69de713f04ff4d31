import { dictionary } from '@zxcvbn-ts/language-common';

let commonPasswords: Set<string> | null = null;

/** The zxcvbn-ts list of commonly used passwords, compared without regard to case. */
export function isCommonPassword(password: string): boolean {
  commonPasswords ??= new Set(dictionary['passwords-common'].map((entry) => entry.toLowerCase()));
  return commonPasswords.has(password.toLowerCase());
}
