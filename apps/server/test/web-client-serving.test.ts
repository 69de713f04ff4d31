import { request } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './start-test-server.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A raw GET (Node's fetch would decompress and hide what the server sent). */
function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

// The web client as the desktop build lays it out: index.html, hashed assets, each with .br and .gz.
const script = `console.log(${JSON.stringify('parley '.repeat(2000))});\n`;
const scriptPath = '/assets/index-BQXmdO4p.js';

describe('serving the web client', () => {
  let webRoot: string;
  let test: TestServer;

  beforeAll(async () => {
    webRoot = await mkdtemp(join(tmpdir(), 'parley-web-root-'));
    await mkdir(join(webRoot, 'assets'));
    const files: Record<string, string> = {
      '/index.html': `<!doctype html><script type="module" src="./assets/index-BQXmdO4p.js"></script>`,
      [scriptPath]: script,
    };
    for (const [path, text] of Object.entries(files)) {
      await writeFile(join(webRoot, path), text);
      await writeFile(join(webRoot, `${path}.br`), brotliCompressSync(text));
      await writeFile(join(webRoot, `${path}.gz`), gzipSync(text));
    }
    test = await startTestServer({ webRoot });
  });
  afterAll(async () => {
    await test.dispose();
    await rm(webRoot, { recursive: true, force: true });
  });

  it('sends a hashed script brotli-compressed to a browser that accepts it, cacheable for a year', async () => {
    const answer = await get(`${test.url}${scriptPath}`, {
      'accept-encoding': 'gzip, deflate, br',
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBe('br');
    expect(answer.headers['content-type']).toMatch(/javascript/);
    expect(answer.headers['vary']).toMatch(/Accept-Encoding/);
    expect(answer.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(answer.body.length).toBeLessThan(script.length / 10);
    expect(brotliDecompressSync(answer.body).toString()).toBe(script);
    // the page policy is still there
    expect(answer.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('falls back to gzip, and to the plain file for a client that accepts neither', async () => {
    const gzip = await get(`${test.url}${scriptPath}`, { 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    const plain = await get(`${test.url}${scriptPath}`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(script);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('has index.html revalidated on every load, at / and as the fallback of any other path', async () => {
    for (const path of ['/', '/index.html', '/some/route']) {
      const answer = await get(`${test.url}${path}`, { 'accept-encoding': 'br' });
      expect(answer.status, path).toBe(200);
      expect(answer.headers['cache-control'], path).toBe('no-cache');
      expect(brotliDecompressSync(answer.body).toString(), path).toContain('<!doctype html>');
    }
  });
});
