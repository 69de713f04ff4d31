import { createHmac, randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { PasswordTask } from './password-worker.js';

/**
 * bcrypt reads only the first 72 bytes of its input, so two long passwords that share those bytes
 * would both match. We pre-hash: bcrypt sees base64(HMAC-SHA256(password)), 44 ASCII bytes with
 * no NUL, so every byte of the password counts. The HMAC key is fixed and public; it only keeps
 * these digests distinct from plain SHA-256 digests leaked elsewhere.
 */
const PREHASH_KEY = 'parley/password/v1';
export const prehashPassword = (password: string): string =>
  createHmac('sha256', PREHASH_KEY).update(password.normalize('NFC'), 'utf8').digest('base64');

const workerFile = (): string => {
  const here = import.meta.url;
  // From TypeScript sources (tests), use the compiled worker: worker threads cannot load .ts.
  return here.endsWith('.ts')
    ? new URL('../dist/password-worker.js', here).href
    : new URL('./password-worker.js', here).href;
};

export class PasswordHasher {
  private readonly pool: Piscina<PasswordTask, string | boolean>;
  private dummyHash: Promise<string> | null = null;

  constructor(private readonly cost: number) {
    this.pool = new Piscina({
      filename: workerFile(),
      minThreads: 1,
      maxThreads: Math.max(1, availableParallelism()),
      // Hashing yields the CPU to the event loop: a burst of logins must not delay messages.
      niceIncrement: 19,
      idleTimeout: 60_000,
    });
  }

  async hash(password: string): Promise<string> {
    return (await this.pool.run({
      op: 'hash',
      secret: prehashPassword(password),
      cost: this.cost,
    })) as string;
  }

  async verify(password: string, hash: string): Promise<boolean> {
    return (await this.pool.run({
      op: 'verify',
      secret: prehashPassword(password),
      hash,
    })) as boolean;
  }

  /**
   * Spends the same time as verify() against a real hash: an unknown username must not answer
   * faster than a wrong password.
   */
  async verifyNothing(password: string): Promise<false> {
    this.dummyHash ??= this.hash(randomBytes(16).toString('base64'));
    await this.verify(password, await this.dummyHash);
    return false;
  }

  /** Computes the dummy hash ahead of the first unknown-user login. */
  async warmUp(): Promise<void> {
    this.dummyHash ??= this.hash(randomBytes(16).toString('base64'));
    await this.dummyHash;
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
