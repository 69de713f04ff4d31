import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SECRET_FILE = 'jwt-secret';

/**
 * JWT_SECRET when set; otherwise 32 random bytes generated on first start and kept in the data
 * directory with mode 0600, so tokens survive restarts.
 */
export function loadJwtSecret(dataDir: string, fromEnv: string | null): Uint8Array {
  if (fromEnv !== null) {
    if (Buffer.byteLength(fromEnv) < 32)
      throw new Error('JWT_SECRET must be at least 32 bytes long.');
    return new TextEncoder().encode(fromEnv);
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, SECRET_FILE);
  const existing = readSecretFile(file);
  if (existing) return existing;
  const secret = randomBytes(32);
  try {
    writeFileSync(file, `${secret.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process starting on the same directory wrote it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      const theirs = readSecretFile(file);
      if (theirs) return theirs;
    }
    throw error;
  }
  chmodSync(file, 0o600);
  return new Uint8Array(secret);
}

/** The secret kept in `file`, or null when there is none yet; a damaged file is an error. */
function readSecretFile(file: string): Uint8Array | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const secret = Buffer.from(text, 'base64');
  if (secret.length < 32 || secret.toString('base64') !== text) {
    throw new Error(
      `${file} does not hold a valid secret (base64 of at least 32 bytes). Restore it from a ` +
        'backup, or delete it to have a new one made (everyone will have to log in again).',
    );
  }
  return new Uint8Array(secret);
}
