import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TokenVault, type AsyncSafeStorage } from './token-vault.js';

vi.mock('electron', () => ({}));

/** A stand-in for the OS keychain: a reversible transform under a key we can "rotate". */
function fakeSafeStorage(options: { available?: boolean; keyId?: string } = {}) {
  const state = { keyId: options.keyId ?? 'k1', rotated: false };
  const storage: AsyncSafeStorage = {
    isAsyncEncryptionAvailable: vi.fn(() => Promise.resolve(options.available ?? true)),
    encryptStringAsync: vi.fn((plain: string) =>
      Promise.resolve(Buffer.from(`${state.keyId}|${Buffer.from(plain).toString('hex')}`)),
    ),
    decryptStringAsync: vi.fn((cipher: Buffer) => {
      const [keyId, hex] = cipher.toString().split('|');
      if (keyId !== state.keyId && !(state.rotated && keyId === 'k1')) {
        return Promise.reject(new Error('Error while decrypting the ciphertext'));
      }
      return Promise.resolve({
        result: Buffer.from(hex ?? '', 'hex').toString(),
        shouldReEncrypt: keyId !== state.keyId,
      });
    }),
  };
  return { storage, state };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-vault-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('TokenVault', () => {
  it('keeps values across restarts without plaintext on disk, in a 0600 file', async () => {
    const { storage } = fakeSafeStorage();
    const filePath = join(dir, 'vault.json');
    const vault = new TokenVault({ filePath, safeStorage: storage });
    await vault.setItem('parley.refreshToken', 'rt-very-secret');
    await vault.setItem('parley.cursor', '41');
    await vault.setItem('parley.cursor', '42');
    const onDisk = await readFile(filePath, 'utf8');
    expect(onDisk).not.toContain('rt-very-secret');
    expect(onDisk).not.toContain(Buffer.from('rt-very-secret').toString('base64'));
    if (process.platform !== 'win32') expect((await stat(filePath)).mode & 0o777).toBe(0o600);

    const reopened = new TokenVault({ filePath, safeStorage: storage });
    expect(await reopened.getItem('parley.refreshToken')).toBe('rt-very-secret');
    expect(await reopened.getItem('parley.cursor')).toBe('42');
    await reopened.removeItem('parley.refreshToken');
    const third = new TokenVault({ filePath, safeStorage: storage });
    expect(await third.getItem('parley.refreshToken')).toBeNull();
    expect(await third.getItem('parley.cursor')).toBe('42');
  });

  it('serializes concurrent writes so the file keeps every key', async () => {
    const { storage } = fakeSafeStorage();
    const filePath = join(dir, 'vault.json');
    const vault = new TokenVault({ filePath, safeStorage: storage });
    await Promise.all(Array.from({ length: 20 }, (_, i) => vault.setItem(`k${i}`, `v${i}`)));
    const reopened = new TokenVault({ filePath, safeStorage: storage });
    for (let i = 0; i < 20; i++) expect(await reopened.getItem(`k${i}`)).toBe(`v${i}`);
  });

  it('keeps values in memory only when the OS offers no encryption', async () => {
    const { storage } = fakeSafeStorage({ available: false });
    const filePath = join(dir, 'vault.json');
    const onUnprotected = vi.fn();
    const vault = new TokenVault({ filePath, safeStorage: storage, onUnprotected });
    await vault.setItem('parley.refreshToken', 'rt');
    expect(await vault.getItem('parley.refreshToken')).toBe('rt');
    expect(await vault.isPersistent()).toBe(false);
    expect(onUnprotected).toHaveBeenCalledOnce();
    await expect(stat(filePath)).rejects.toThrow();
  });

  it('re-encrypts after a key rotation and drops what it cannot decrypt', async () => {
    const filePath = join(dir, 'vault.json');
    const first = fakeSafeStorage({ keyId: 'k1' });
    await new TokenVault({ filePath, safeStorage: first.storage }).setItem('a', 'alpha');

    const rotated = fakeSafeStorage({ keyId: 'k2' });
    rotated.state.rotated = true;
    expect(await new TokenVault({ filePath, safeStorage: rotated.storage }).getItem('a')).toBe(
      'alpha',
    );
    // re-encrypted on load: a keychain that no longer knows k1 still reads it
    const onlyK2 = fakeSafeStorage({ keyId: 'k2' });
    expect(await new TokenVault({ filePath, safeStorage: onlyK2.storage }).getItem('a')).toBe(
      'alpha',
    );

    const foreign = fakeSafeStorage({ keyId: 'other' });
    expect(
      await new TokenVault({ filePath, safeStorage: foreign.storage }).getItem('a'),
    ).toBeNull();
  });

  it('starts empty from a corrupt file', async () => {
    const filePath = join(dir, 'vault.json');
    await writeFile(filePath, '{not json');
    const vault = new TokenVault({ filePath, safeStorage: fakeSafeStorage().storage });
    expect(await vault.getItem('x')).toBeNull();
    await vault.setItem('x', 'y');
    expect(
      await new TokenVault({ filePath, safeStorage: fakeSafeStorage().storage }).getItem('x'),
    ).toBe('y');
  });
});
