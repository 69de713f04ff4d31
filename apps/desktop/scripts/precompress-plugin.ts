import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Plugin } from 'vite';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Text files worth compressing; maps stay as they are (only developer tools fetch them). */
const compressible = /\.(html|js|css|svg|json|txt|webmanifest)$/;

/** Every file under `dir`, as paths relative to it. */
async function filesUnder(dir: string, prefix = ''): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const path = join(prefix, entry.name);
    if (entry.isDirectory()) found.push(...(await filesUnder(dir, path)));
    else found.push(path);
  }
  return found;
}

/** Writes `<file>.br` (best quality) and `<file>.gz` beside every compressible file of `dir`. */
export async function precompress(dir: string, minBytes = 512): Promise<string[]> {
  const written: string[] = [];
  for (const path of await filesUnder(dir)) {
    if (!compressible.test(path)) continue;
    const file = join(dir, path);
    if ((await stat(file)).size < minBytes) continue;
    const content = await readFile(file);
    const [br, gz] = await Promise.all([
      brotli(content, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
          [constants.BROTLI_PARAM_SIZE_HINT]: content.length,
        },
      }),
      gzipAsync(content, { level: 9 }),
    ]);
    await Promise.all([writeFile(`${file}.br`, br), writeFile(`${file}.gz`, gz)]);
    written.push(path);
  }
  return written;
}

/**
 * Compresses the web build once, at build time, so the server sends `.br`/`.gz` files as they are
 * instead of the full-size script and stylesheet (the server never compresses on the fly).
 */
export function precompressPlugin(): Plugin {
  let outDir = '';
  return {
    name: 'parley-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    async closeBundle() {
      await precompress(outDir);
    },
  };
}
