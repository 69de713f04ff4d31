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
  try {
    const existing = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (existing.length >= 32) return new Uint8Array(existing);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(32);
  writeFileSync(file, `${secret.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return new Uint8Array(secret);
}
