import { randomBytes } from 'node:crypto';
import { LatencyHistogram, type LatencySummary } from './latency-histogram.js';

/** A user who uploads: the server process it talks to and its access token. */
export type Uploader = { httpUrl: string; token: string };

export const FILE_BENCH_BYTES = 10 * 1024 * 1024;

/** `POST /files` of `bytes`; resolves with the file id once the server answered 201. */
export async function uploadFile(uploader: Uploader, bytes: Buffer, name: string): Promise<string> {
  const response = await fetch(`${uploader.httpUrl}/files?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${uploader.token}`, 'content-type': 'application/zip' },
    body: bytes,
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`upload: ${response.status} ${text.slice(0, 200)}`);
  return (JSON.parse(text) as { fileId: string }).fileId;
}

/** `GET /files/<id>`, reading the whole body; resolves with the byte count. */
export async function downloadFile(uploader: Uploader, fileId: string): Promise<number> {
  const response = await fetch(`${uploader.httpUrl}/files/${encodeURIComponent(fileId)}`, {
    headers: { authorization: `Bearer ${uploader.token}` },
  });
  if (response.status !== 200 || !response.body) throw new Error(`download: ${response.status}`);
  let size = 0;
  for await (const chunk of response.body) size += (chunk as Uint8Array).byteLength;
  return size;
}

const megabytesPerSecond = (bytes: number, ms: number) =>
  Math.round((bytes / 1e6 / (ms / 1000)) * 10) / 10;

export type TransferThroughput = {
  fileBytes: number;
  repeats: number;
  /** MB/s (10^6 bytes) of the transfers one after another: bytes ÷ the summed transfer times. */
  uploadMBps: number;
  downloadMBps: number;
  uploadMs: LatencySummary;
  downloadMs: LatencySummary;
};

/**
 * Upload, then download, of one `fileBytes` file (random bytes), `repeats` times each, one at a
 * time over loopback: the server's per-transfer throughput (streaming, hashing, fsync, the
 * database write on upload; reading the blob or chunks on download).
 */
export async function transferThroughput(
  uploader: Uploader,
  fileBytes: number,
  repeats: number,
): Promise<TransferThroughput> {
  const up = new LatencyHistogram();
  const down = new LatencyHistogram();
  let upMs = 0;
  let downMs = 0;
  const fileIds: string[] = [];
  for (let i = 0; i < repeats; i += 1) {
    // Different content each time: SQLite stores identical content once.
    const bytes = randomBytes(fileBytes);
    const started = performance.now();
    fileIds.push(await uploadFile(uploader, bytes, `bench-${i}.zip`));
    const elapsed = performance.now() - started;
    up.record(elapsed);
    upMs += elapsed;
  }
  for (const fileId of fileIds) {
    const started = performance.now();
    const size = await downloadFile(uploader, fileId);
    const elapsed = performance.now() - started;
    if (size !== fileBytes) throw new Error(`download: ${size} bytes, expected ${fileBytes}`);
    down.record(elapsed);
    downMs += elapsed;
  }
  return {
    fileBytes,
    repeats,
    uploadMBps: megabytesPerSecond(fileBytes * repeats, upMs),
    downloadMBps: megabytesPerSecond(fileBytes * repeats, downMs),
    uploadMs: up.summary(),
    downloadMs: down.summary(),
  };
}

export type ConcurrentUploadFigures = {
  uploaders: number;
  completed: number;
  failed: number;
  megabytes: number;
  /** Aggregate MB/s over the time the uploads ran. */
  aggregateMBps: number;
};

/**
 * `uploaders.length` users each uploading `fileBytes` files back to back until `stop()`: the
 * background load of the "delivery while people send files" run.
 */
export function startConcurrentUploads(
  uploaders: Uploader[],
  fileBytes: number,
): { stop(): Promise<ConcurrentUploadFigures> } {
  let running = true;
  let completed = 0;
  let failed = 0;
  const started = performance.now();
  const loops = uploaders.map(async (uploader, index) => {
    const bytes = randomBytes(fileBytes);
    while (running) {
      try {
        await uploadFile(uploader, bytes, `concurrent-${index}.zip`);
        completed += 1;
      } catch {
        failed += 1;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      const ms = performance.now() - started;
      return {
        uploaders: uploaders.length,
        completed,
        failed,
        megabytes: Math.round((completed * fileBytes) / 1e6),
        aggregateMBps: megabytesPerSecond(completed * fileBytes, ms),
      };
    },
  };
}
