import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SafeStorage } from 'electron';
import { z } from 'zod';

export type AsyncSafeStorage = Pick<
  SafeStorage,
  'isAsyncEncryptionAvailable' | 'encryptStringAsync' | 'decryptStringAsync'
>;

const vaultFile = z.object({
  version: z.literal(1),
  /** key → base64 of the ciphertext made by safeStorage */
  entries: z.record(z.string(), z.string()),
});

export interface TokenVaultOptions {
  filePath: string;
  safeStorage: AsyncSafeStorage;
  /** Told once when the OS offers no encryption and the vault keeps values in memory only. */
  onUnprotected?: () => void;
}

/**
 * The renderer's persistent storage (refresh token, event cursor, outbox, drafts), kept by the main
 * process. Values are encrypted with the OS keychain through safeStorage's asynchronous API and
 * written atomically to a 0600 file; plaintext never touches the disk. Where the OS offers no
 * encryption, values live in memory only: the session then ends with the app instead of being
 * stored unprotected.
 */
export class TokenVault {
  readonly #options: TokenVaultOptions;
  #cache: Map<string, string> | null = null;
  #ciphertexts = new Map<string, string>();
  #persistent = false;
  #loading: Promise<Map<string, string>> | null = null;
  #writes: Promise<void> = Promise.resolve();

  constructor(options: TokenVaultOptions) {
    this.#options = options;
  }

  async getItem(key: string): Promise<string | null> {
    const values = await this.#load();
    return values.get(key) ?? null;
  }

  async setItem(key: string, value: string): Promise<void> {
    const values = await this.#load();
    if (values.get(key) === value) return;
    values.set(key, value);
    if (!this.#persistent) return;
    const ciphertext = await this.#options.safeStorage.encryptStringAsync(value);
    this.#ciphertexts.set(key, ciphertext.toString('base64'));
    await this.#flush();
  }

  async removeItem(key: string): Promise<void> {
    const values = await this.#load();
    values.delete(key);
    if (!this.#persistent || !this.#ciphertexts.delete(key)) return;
    await this.#flush();
  }

  /** Whether values survive a restart (false when the OS offers no encryption). */
  async isPersistent(): Promise<boolean> {
    await this.#load();
    return this.#persistent;
  }

  #load(): Promise<Map<string, string>> {
    if (this.#cache) return Promise.resolve(this.#cache);
    this.#loading ??= this.#readFromDisk().then((values) => {
      this.#cache = values;
      return values;
    });
    return this.#loading;
  }

  async #readFromDisk(): Promise<Map<string, string>> {
    const values = new Map<string, string>();
    this.#persistent = await this.#options.safeStorage
      .isAsyncEncryptionAvailable()
      .catch(() => false);
    if (!this.#persistent) {
      this.#options.onUnprotected?.();
      return values;
    }
    let stored: z.infer<typeof vaultFile>;
    try {
      stored = vaultFile.parse(JSON.parse(await readFile(this.#options.filePath, 'utf8')));
    } catch {
      return values; // missing or unreadable: start empty (the user signs in again)
    }
    let reencrypt = false;
    for (const [key, base64] of Object.entries(stored.entries)) {
      try {
        const { result, shouldReEncrypt } = await this.#options.safeStorage.decryptStringAsync(
          Buffer.from(base64, 'base64'),
        );
        values.set(key, result);
        if (shouldReEncrypt) {
          reencrypt = true;
          const fresh = await this.#options.safeStorage.encryptStringAsync(result);
          this.#ciphertexts.set(key, fresh.toString('base64'));
        } else {
          this.#ciphertexts.set(key, base64);
        }
      } catch {
        // made with another key (another user or machine): drop it
        reencrypt = true;
      }
    }
    if (reencrypt) await this.#flush();
    return values;
  }

  /** Writes are serialized; each writes the whole file to a temp name and renames it into place. */
  #flush(): Promise<void> {
    const snapshot = JSON.stringify({ version: 1, entries: Object.fromEntries(this.#ciphertexts) });
    const path = this.#options.filePath;
    const write = async (): Promise<void> => {
      await mkdir(dirname(path), { recursive: true });
      const temp = `${path}.${process.pid}.tmp`;
      await writeFile(temp, snapshot, { mode: 0o600 });
      await rename(temp, path);
    };
    this.#writes = this.#writes.then(write, write);
    return this.#writes;
  }
}
