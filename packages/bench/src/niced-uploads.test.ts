import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getPriority } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { startNicedUploads, UPLOADER_NICENESS } from './niced-uploads.js';

/** The upload process runs the built script (tests run after the build). */
const uploadChild = new URL('../dist/upload-child.js', import.meta.url);

const FILE_BYTES = 64 * 1024;

/** A stand-in for `POST /files`: reads each body whole, answers 201 with an id, counts bytes. */
function startFileSink(): Promise<{ server: Server; url: string; received: () => number[] }> {
  const sizes: number[] = [];
  const server = createServer((req, res) => {
    let size = 0;
    req.on('data', (chunk: Buffer) => (size += chunk.byteLength));
    req.on('end', () => {
      const authorized = req.headers.authorization === 'Bearer token-1';
      if (req.method !== 'POST' || !req.url?.startsWith('/files?name=') || !authorized) {
        res.writeHead(400).end('{}');
        return;
      }
      sizes.push(size);
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ fileId: `file-${sizes.length}` }));
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}`, received: () => sizes });
    });
  });
}

describe('startNicedUploads', () => {
  let server: Server | null = null;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve) ?? resolve(null));
    server = null;
  });

  it('uploads back to back from a process of lower priority until stopped, and reports it', async () => {
    const sink = await startFileSink();
    server = sink.server;
    const uploads = await startNicedUploads(
      [
        { httpUrl: sink.url, token: 'token-1' },
        { httpUrl: sink.url, token: 'token-1' },
      ],
      FILE_BYTES,
      uploadChild,
    );
    expect(uploads.pid).not.toBe(process.pid);
    expect(getPriority(uploads.pid)).toBe(Math.max(getPriority(), UPLOADER_NICENESS));
    while (sink.received().length < 6) await new Promise((resolve) => setTimeout(resolve, 20));

    const figures = await uploads.stop();
    const received = sink.received();
    expect(received.every((size) => size === FILE_BYTES)).toBe(true);
    expect(figures.uploaders).toBe(2);
    expect(figures.failed).toBe(0);
    // Stopping lets each uploader finish the upload in flight: every upload sent was answered.
    expect(figures.completed).toBe(received.length);
    expect(figures.aggregateMBps).toBeGreaterThan(0);
    expect(figures.uploaderCpuPercent).toBeGreaterThan(0);
    // The process is gone: asking for its priority fails.
    await expect
      .poll(() => {
        try {
          getPriority(uploads.pid);
          return 'running';
        } catch {
          return 'exited';
        }
      })
      .toBe('exited');
  });

  it('counts refused uploads as failed', async () => {
    const sink = await startFileSink();
    server = sink.server;
    const uploads = await startNicedUploads(
      [{ httpUrl: sink.url, token: 'wrong' }],
      FILE_BYTES,
      uploadChild,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const figures = await uploads.stop();
    expect(figures.completed).toBe(0);
    expect(figures.failed).toBeGreaterThan(0);
    expect(sink.received()).toEqual([]);
  });
});
