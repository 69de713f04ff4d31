import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { precompress } from './precompress-plugin.js';

describe('precompress', () => {
  let dir = '';
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes .br and .gz that decompress to the original, for text files big enough to gain', async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-precompress-'));
    await mkdir(join(dir, 'assets'));
    const script = 'export const x = 1;\n'.repeat(200);
    await writeFile(join(dir, 'assets', 'index-abcdefgh.js'), script);
    await writeFile(join(dir, 'assets', 'index-abcdefgh.js.map'), '{}'.repeat(1000));
    await writeFile(join(dir, 'tiny.css'), 'a{}');
    expect(await precompress(dir)).toEqual([join('assets', 'index-abcdefgh.js')]);
    const file = join(dir, 'assets', 'index-abcdefgh.js');
    expect(brotliDecompressSync(await readFile(`${file}.br`)).toString()).toBe(script);
    expect(gunzipSync(await readFile(`${file}.gz`)).toString()).toBe(script);
    expect((await readdir(dir)).sort()).toEqual(['assets', 'tiny.css']);
  });
});
