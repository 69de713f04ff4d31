import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileStorage } from './file-storage.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'parley-file-storage-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('fileStorage', () => {
  it('keeps values across instances (a restart), in a file only its owner can read', async () => {
    const path = join(dir, 'nested', 'session.json');
    const first = fileStorage(path);
    expect(await first.getItem('parley:auth')).toBeNull();
    await first.setItem('parley:auth', '{"token":"t"}');
    await first.setItem('other', 'x');
    await first.removeItem('other');

    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'nested')).mode & 0o777).toBe(0o700);
    const second = fileStorage(path);
    expect(await second.getItem('parley:auth')).toBe('{"token":"t"}');
    expect(await second.getItem('other')).toBeNull();
  });

  it('treats a corrupt file as empty and replaces it on the next write', async () => {
    const path = join(dir, 'session.json');
    writeFileSync(path, '{"parley:auth": "trunc');
    const storage = fileStorage(path);
    expect(await storage.getItem('parley:auth')).toBeNull();
    await storage.setItem('k', 'v');
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ k: 'v' });
  });

  it('ignores a file of the wrong shape and values that are not strings', async () => {
    const path = join(dir, 'session.json');
    writeFileSync(path, JSON.stringify({ good: 'yes', bad: 3 }));
    expect(await fileStorage(path).getItem('good')).toBe('yes');
    expect(await fileStorage(path).getItem('bad')).toBeNull();
    writeFileSync(path, '[1,2]');
    expect(await fileStorage(path).getItem('0')).toBeNull();
  });

  it('writes through a temporary file and leaves none behind; the last of many writes wins', async () => {
    const path = join(dir, 'session.json');
    const storage = fileStorage(path);
    await Promise.all(Array.from({ length: 50 }, async (_, i) => storage.setItem('n', String(i))));
    expect(readdirSync(dir)).toEqual(['session.json']);
    expect(await fileStorage(path).getItem('n')).toBe('49');
  });

  it('makes a file that was readable by others private on the next write', async () => {
    const path = join(dir, 'session.json');
    writeFileSync(path, '{}', { mode: 0o644 });
    await fileStorage(path).setItem('k', 'v');
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});
