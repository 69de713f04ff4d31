import type * as NodeHttp from 'node:http';

/** One HTTP request of the file transfers, whatever the runtime. */
export interface TransportRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: Blob | Uint8Array;
  /** Bytes of the body sent so far, of the total. */
  onUploadProgress?: (loaded: number, total: number) => void;
  signal?: AbortSignal;
}

export interface TransportResponse {
  status: number;
  header(name: string): string | null;
  body: Uint8Array;
}

export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

const abortReason = (signal: AbortSignal): Error =>
  signal.reason instanceof Error
    ? signal.reason
    : new DOMException('The transfer was aborted.', 'AbortError');

const UPLOAD_SLICE_BYTES = 64 * 1024;

/** The part of the DOM's XMLHttpRequest used here (the package builds without the DOM types). */
interface XhrLike {
  open(method: string, url: string): void;
  responseType: string;
  response: unknown;
  status: number;
  setRequestHeader(name: string, value: string): void;
  getResponseHeader(name: string): string | null;
  upload: { onprogress: ((event: { loaded: number; total: number }) => void) | null };
  onload: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
  abort(): void;
  send(body: unknown): void;
}
type XhrConstructor = new () => XhrLike;

const xhrClass = (): XhrConstructor | null => {
  const candidate = (globalThis as { XMLHttpRequest?: unknown }).XMLHttpRequest;
  return typeof candidate === 'function' ? (candidate as XhrConstructor) : null;
};

/** Browsers and Electron's renderer: XMLHttpRequest, the one API with upload progress. */
const xhrTransport =
  (Xhr: XhrConstructor): Transport =>
  (request) =>
    new Promise((resolve, reject) => {
      if (request.signal?.aborted) {
        reject(abortReason(request.signal));
        return;
      }
      const xhr = new Xhr();
      xhr.open(request.method, request.url);
      xhr.responseType = 'arraybuffer';
      for (const [name, value] of Object.entries(request.headers))
        xhr.setRequestHeader(name, value);
      const onAbort = () => xhr.abort();
      request.signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => request.signal?.removeEventListener('abort', onAbort);
      if (request.onUploadProgress) {
        const report = request.onUploadProgress;
        xhr.upload.onprogress = (event) => report(event.loaded, event.total);
      }
      xhr.onload = () => {
        done();
        resolve({
          status: xhr.status,
          header: (name) => xhr.getResponseHeader(name),
          body: new Uint8Array(xhr.response as ArrayBuffer),
        });
      };
      xhr.onerror = () => {
        done();
        reject(new TypeError('network error'));
      };
      xhr.onabort = () => {
        done();
        reject(request.signal ? abortReason(request.signal) : new TypeError('aborted'));
      };
      xhr.send(request.body ?? null);
    });

/**
 * Node: http(s).request, the body written in 64 KiB slices, each counted as sent once the socket
 * took it (its write callback), with backpressure. Loaded only when used, so that the browser
 * build never imports a Node module.
 */
const nodeTransport: Transport = async (request) => {
  const moduleName = request.url.startsWith('https:') ? 'node:https' : 'node:http';
  const http = (await import(/* @vite-ignore */ moduleName)) as typeof NodeHttp;
  const body =
    request.body instanceof Blob ? new Uint8Array(await request.body.arrayBuffer()) : request.body;
  return new Promise((resolve, reject) => {
    if (request.signal?.aborted) {
      reject(abortReason(request.signal));
      return;
    }
    const headers: Record<string, string> = { ...request.headers };
    if (body) headers['content-length'] = String(body.byteLength);
    const req = http.request(request.url, { method: request.method, headers }, (res) => {
      const chunks: Uint8Array[] = [];
      res.on('data', (chunk: Uint8Array) => chunks.push(chunk));
      res.on('end', () => {
        done();
        const total = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
        const joined = new Uint8Array(total);
        let at = 0;
        for (const chunk of chunks) {
          joined.set(chunk, at);
          at += chunk.byteLength;
        }
        resolve({
          status: res.statusCode ?? 0,
          header: (name) => {
            const value = res.headers[name.toLowerCase()];
            return Array.isArray(value) ? value.join(', ') : (value ?? null);
          },
          body: joined,
        });
      });
      res.on('error', fail);
    });
    let settled = false;
    function fail(error: Error) {
      if (settled) return;
      done();
      reject(error);
    }
    function done() {
      settled = true;
      request.signal?.removeEventListener('abort', onAbort);
    }
    const onAbort = () => {
      if (settled) return;
      const reason = abortReason(request.signal!);
      done();
      req.destroy();
      reject(reason);
    };
    request.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', fail);
    if (!body) {
      req.end();
      return;
    }
    const total = body.byteLength;
    let queued = 0;
    let sent = 0;
    const writeMore = () => {
      while (queued < total && !settled) {
        const slice = body.subarray(queued, queued + UPLOAD_SLICE_BYTES);
        queued += slice.byteLength;
        const more = req.write(slice, () => {
          sent += slice.byteLength;
          request.onUploadProgress?.(sent, total);
        });
        if (!more) {
          req.once('drain', writeMore);
          return;
        }
      }
      if (queued >= total) req.end();
    };
    if (total === 0) request.onUploadProgress?.(0, 0);
    writeMore();
  });
};

/** XMLHttpRequest where there is one (browsers, Electron renderer), else Node's http. */
export const defaultTransport: Transport = (request) => {
  const Xhr = xhrClass();
  return Xhr ? xhrTransport(Xhr)(request) : nodeTransport(request);
};
