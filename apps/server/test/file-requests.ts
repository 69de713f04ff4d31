import { request, type IncomingHttpHeaders } from 'node:http';
import type { ServerEndpoint } from './start-test-server.js';

export type FileResponse = {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body as JSON (null when it is not JSON). */
  json: unknown;
};

export type FileRequestOptions = {
  method?: string;
  token?: string | null;
  headers?: Record<string, string>;
  body?: Buffer;
  /** Sends the body in 64 KiB pieces without a Content-Length (the limit must be found while reading). */
  chunked?: boolean;
};

/** One request to /files… over node:http, binary both ways. */
export function fileRequest(
  endpoint: ServerEndpoint,
  path: string,
  options: FileRequestOptions = {},
): Promise<FileResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined && !options.chunked) {
      headers['content-length'] = String(options.body.length);
    }
    const req = request(
      `${endpoint.url}${path}`,
      { method: options.method ?? 'GET', headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          let json: unknown = null;
          try {
            json = JSON.parse(body.toString('utf8'));
          } catch {
            // not JSON
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    const body = options.body;
    if (body === undefined) {
      req.end();
      return;
    }
    if (!options.chunked) {
      req.end(body);
      return;
    }
    let at = 0;
    const writeMore = () => {
      while (at < body.length) {
        const piece = body.subarray(at, at + 64 * 1024);
        at += piece.length;
        if (!req.write(piece)) {
          req.once('drain', writeMore);
          return;
        }
      }
      req.end();
    };
    writeMore();
  });
}

/** POST /files?name=… with the bytes and a Content-Type. */
export function uploadFile(
  endpoint: ServerEndpoint,
  token: string | null,
  body: Buffer,
  options: { name?: string; contentType?: string; chunked?: boolean } = {},
): Promise<FileResponse> {
  const query = options.name === undefined ? '' : `?name=${encodeURIComponent(options.name)}`;
  return fileRequest(endpoint, `/files${query}`, {
    method: 'POST',
    token,
    body,
    headers: { 'content-type': options.contentType ?? 'application/octet-stream' },
    ...(options.chunked ? { chunked: true } : {}),
  });
}

/** Deterministic bytes of a given size (a seed makes different contents). */
export function bytesOf(size: number, seed = 1): Buffer {
  const bytes = Buffer.alloc(size);
  let state = Math.imul(seed, 2654435761) >>> 0;
  for (let i = 0; i < size; i += 1) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}
