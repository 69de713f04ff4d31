import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../store.js';
import { openSqliteStore, sqliteFilesDir } from './open-sqlite-store.js';

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function storeWithUser() {
  const dir = mkdtempSync(join(tmpdir(), 'parley-files-test-'));
  dirs.push(dir);
  const file = join(dir, 'parley.db');
  const store = openSqliteStore({ file });
  stores.push(store);
  const userId = randomUUID();
  await store.users.create({ id: userId, username: 'uploader', passwordHash: 'h', createdAt: 1 });
  return { store, userId, filesDir: sqliteFilesDir(file) };
}

/** The bytes in pieces; once the last was taken, `afterLast` runs. */
async function* pieces(bytes: Buffer, afterLast: () => void) {
  for (let offset = 0; offset < bytes.length; offset += 16 * 1024) {
    await Promise.resolve();
    yield bytes.subarray(offset, offset + 16 * 1024);
  }
  afterLast();
}

const turns = async (count: number) => {
  for (let i = 0; i < count; i += 1) await new Promise((resolve) => setImmediate(resolve));
};

const collect = async (chunks: AsyncIterable<Uint8Array>) => {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
};

const blobsIn = (filesDir: string) =>
  readdirSync(filesDir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name);

describe('SqliteFileRepository', () => {
  it('identical content uploaded while its only other file is being removed: every file left reads whole, no blob is left unnamed', async () => {
    const { store, userId, filesDir } = await storeWithUser();
    const bytes = Buffer.alloc(64 * 1024, 7);
    const upload = (afterLast: () => void = () => undefined) =>
      store.files.create(
        {
          id: randomUUID(),
          uploaderId: userId,
          name: 'same.bin',
          contentType: 'application/octet-stream',
          createdAt: Date.now(),
          limitBytes: 1024 * 1024,
        },
        pieces(bytes, afterLast),
      );
    // The first file's removal starts a few turns of the event loop after the second upload (same
    // content) has read its last byte: some rounds land while that upload checks for the blob,
    // drops its own copy and writes its row, others before or after.
    for (let delay = 0; delay < 200; delay += 1) {
      const first = await upload();
      let removal: Promise<number> | undefined;
      const second = await upload(() => {
        removal = turns(delay).then(() => store.files.removeUnsentOf(userId));
      });
      const removed = await removal;
      const kept = await store.files.findById(second.id);
      if (kept) {
        expect((await collect(store.files.read(kept))).equals(bytes)).toBe(true);
        expect(blobsIn(filesDir)).toEqual([first.sha256]);
      } else {
        expect(removed).toBe(2);
        expect(blobsIn(filesDir)).toEqual([]);
      }
      await store.files.removeUnsentOf(userId);
      expect(blobsIn(filesDir)).toEqual([]);
    }
    expect(existsSync(filesDir)).toBe(true);
  });
});
