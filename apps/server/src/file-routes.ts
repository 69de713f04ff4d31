import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DomainError,
  INLINE_CONTENT_TYPES,
  isStorageFull,
  LoadGauge,
  type Services,
} from '@parley/core';
import type { FileRecord } from '@parley/db';
import type { AllowedOrigins } from './allowed-origins.js';
import { parseByteRange } from './byte-range.js';
import { contentDisposition } from './content-disposition.js';
import { UploadBudget } from './upload-budget.js';

export type FileRoutesOptions = {
  services: Services;
  origins: AllowedOrigins;
  onError: (error: unknown, path: string) => void;
  /** Paces uploads while the event loop is saturated. @default 16 MiB/s together under a LoadGauge */
  uploadBudget?: UploadBudget;
};

/** After refusing an upload, how much more of its body is read (and dropped) before the connection is cut. */
const DRAIN_LIMIT_BYTES = 16 * 1024 * 1024;
const DRAIN_TIMEOUT_MS = 30_000;

const STATUS: Record<DomainError['code'], number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 404,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_MANY_REQUESTS: 429,
  PAYLOAD_TOO_LARGE: 413,
  SERVICE_UNAVAILABLE: 503,
};

const bearerToken = (header: string | undefined): string | null =>
  header?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? null;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

function sendError(res: ServerResponse, error: DomainError): void {
  const { retryAfter, limit, limitBytes } = error.details;
  if (retryAfter !== undefined) res.setHeader('Retry-After', String(retryAfter));
  if (error.code === 'UNAUTHORIZED') res.setHeader('WWW-Authenticate', 'Bearer');
  sendJson(res, STATUS[error.code], {
    error: {
      code: error.code,
      message: error.message,
      ...(retryAfter !== undefined ? { retryAfter } : {}),
      ...(limit !== undefined ? { limit, limitBytes } : {}),
    },
  });
}

/**
 * Lets a client that is still sending a refused body read the answer: the rest of the body is read
 * and dropped (a connection closed while the client writes can lose the answer to a reset), up to
 * a bound, then the connection is cut. The answer says `Connection: close`.
 */
function drainRefusedBody(req: IncomingMessage): void {
  if (req.complete) return;
  let drained = 0;
  const cut = () => req.socket.destroy();
  const timer = setTimeout(cut, DRAIN_TIMEOUT_MS);
  timer.unref();
  req.on('data', (chunk: Buffer) => {
    drained += chunk.byteLength;
    if (drained > DRAIN_LIMIT_BYTES) cut();
  });
  req.once('close', () => clearTimeout(timer));
  req.resume();
}

/**
 * `POST /files?name=…` (upload, streamed, exempt from the 64 KiB body limit) and
 * `GET`/`HEAD /files/<fileId>` (download, with ranges), per docs/api.md "Attachments".
 * Returns false for other paths.
 */
export function createFileRoutes(options: FileRoutesOptions) {
  const { services, origins } = options;
  // Paced from half busy: at 70 % the 20-upload bench still pushed delivery p99 to 115 ms at
  // 500 msg/s; from 50 % it stayed at 74–86 ms (docs/benchmarks/bench-files.md).
  const uploadBudget =
    options.uploadBudget ??
    new UploadBudget({ load: new LoadGauge(0.5), saturatedBytesPerSecond: 16 * 1024 * 1024 });

  const authenticate = async (req: IncomingMessage): Promise<string> => {
    const token = bearerToken(req.headers.authorization);
    if (token === null) throw new DomainError('UNAUTHORIZED', 'Please log in.');
    try {
      const claims = await services.authenticator.authenticate(token);
      if (Date.now() >= claims.expiresAt) throw new Error('expired');
      return claims.userId;
    } catch (error) {
      if (error instanceof DomainError) throw error;
      throw new DomainError('UNAUTHORIZED', 'Please log in again.');
    }
  };

  const fail = (res: ServerResponse, error: unknown, path: string): void => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (error instanceof DomainError) {
      sendError(res, error);
      return;
    }
    if (isStorageFull(error)) {
      sendError(
        res,
        new DomainError(
          'SERVICE_UNAVAILABLE',
          'The server is out of storage space. Try again later.',
        ),
      );
      return;
    }
    options.onError(error, path);
    sendJson(res, 500, {
      error: { code: 'INTERNAL_SERVER_ERROR', message: 'Something went wrong.' },
    });
  };

  const upload = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    // The body reaches the store through a pass-through stream (paced while the event loop is
    // saturated): when the store stops reading (a limit), the request itself stays open, so the
    // refusal can be answered on it.
    const body = uploadBudget.pacer(64 * 1024);
    // A client can hang up before the store reads the body (while the token is checked) or after
    // it stopped reading: the destroy's error must not go unhandled and take the process down.
    // The store, when it reads, still sees the error through its own listener.
    body.on('error', () => undefined);
    const cutOff = () => {
      if (!req.complete) body.destroy(new Error('the upload was cut off'));
    };
    req.once('aborted', cutOff);
    req.once('close', cutOff);
    try {
      const userId = await authenticate(req);
      const length = req.headers['content-length'];
      const declaredBytes = length !== undefined && /^\d+$/.test(length) ? Number(length) : null;
      req.pipe(body);
      const attachment = await services.files.upload({
        userId,
        name: url.searchParams.get('name'),
        contentType: req.headers['content-type'] ?? null,
        declaredBytes,
        content: body,
      });
      res.setHeader('Location', `/files/${encodeURIComponent(attachment.fileId)}`);
      sendJson(res, 201, attachment);
    } catch (error) {
      req.unpipe(body);
      body.destroy();
      if (!req.complete) res.setHeader('Connection', 'close');
      fail(res, error, '/files');
      drainRefusedBody(req);
    } finally {
      req.off('aborted', cutOff);
      req.off('close', cutOff);
    }
  };

  const download = async (
    req: IncomingMessage,
    res: ServerResponse,
    fileId: string,
  ): Promise<void> => {
    let file: FileRecord;
    try {
      const userId = await authenticate(req);
      file = await services.files.find(userId, fileId);
    } catch (error) {
      fail(res, error, '/files/:id');
      return;
    }
    const etag = `"${file.sha256}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'private, no-cache');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', 'sandbox');
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader(
      'Content-Disposition',
      contentDisposition(
        INLINE_CONTENT_TYPES.has(file.contentType) ? 'inline' : 'attachment',
        file.name,
      ),
    );
    if (req.headers['if-none-match']?.split(/\s*,\s*/).includes(etag)) {
      res.writeHead(304).end();
      return;
    }
    const ifRange = req.headers['if-range'];
    const range =
      ifRange === undefined || ifRange === etag
        ? parseByteRange(req.headers.range, file.size)
        : null;
    if (range === 'unsatisfiable') {
      res.setHeader('Content-Range', `bytes */${file.size}`);
      sendJson(res, 416, {
        error: { code: 'RANGE_NOT_SATISFIABLE', message: 'The range is outside the file.' },
      });
      return;
    }
    res.setHeader('Content-Type', file.contentType);
    if (range) {
      res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${file.size}`);
      res.setHeader('Content-Length', range.end - range.start + 1);
      res.statusCode = 206;
    } else {
      res.setHeader('Content-Length', file.size);
      res.statusCode = 200;
    }
    if (req.method === 'HEAD' || file.size === 0) {
      res.end();
      return;
    }
    try {
      await pipeline(Readable.from(services.files.read(file, range ?? undefined)), res);
    } catch (error) {
      // The client went away mid-download (nothing to tell), or the read failed part-way (the
      // connection is cut, so the client sees a short body, never a wrong one).
      if (!req.socket.destroyed) options.onError(error, '/files/:id');
      res.destroy();
    }
  };

  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (path !== '/files' && !path.startsWith('/files/')) return false;

    const origin = req.headers.origin;
    if (!origins.allows(origin)) {
      sendJson(res, 403, { error: { code: 'FORBIDDEN', message: 'This origin is not allowed.' } });
      req.resume();
      return true;
    }
    if (origin !== undefined) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader(
        'Access-Control-Allow-Headers',
        'Authorization, Content-Type, Range, If-Range, If-None-Match',
      );
      res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, POST, OPTIONS');
      res.setHeader(
        'Access-Control-Expose-Headers',
        'Content-Disposition, Content-Length, Content-Range, Accept-Ranges, ETag, Retry-After, Location',
      );
      res.setHeader('Access-Control-Max-Age', '600');
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return true;
    }

    if (path === '/files') {
      if (req.method !== 'POST') {
        res.setHeader('Allow', 'POST, OPTIONS');
        sendJson(res, 405, { error: { code: 'METHOD_NOT_ALLOWED', message: 'Upload with POST.' } });
        req.resume();
        return true;
      }
      void upload(req, res, url);
      return true;
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD, OPTIONS');
      res.setHeader('Connection', 'close');
      sendJson(res, 405, { error: { code: 'METHOD_NOT_ALLOWED', message: 'Download with GET.' } });
      drainRefusedBody(req);
      return true;
    }
    let fileId = '';
    try {
      fileId = decodeURIComponent(path.slice('/files/'.length));
    } catch {
      // Malformed escapes name no file.
    }
    if (fileId === '' || fileId.length > 100 || fileId.includes('/')) {
      sendJson(res, 404, { error: { code: 'NOT_FOUND', message: 'No such file.' } });
      return true;
    }
    void download(req, res, fileId);
    return true;
  };
}
