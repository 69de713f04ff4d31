import type { Attachment } from '@parley/protocol';
import type { AuthSession } from './auth-session.js';
import { FileTransferError } from './file-transfer-error.js';
import { defaultTransport, type Transport, type TransportResponse } from './http-transport.js';

export type UploadBody = Blob | Uint8Array;

export interface UploadOptions {
  /** The file name shown to the peer (the server drops any path and control characters). */
  name: string;
  /**
   * The file's type. The server keeps it only if it is on its allowlist (images, PDF, text, office
   * documents, archives), else stores `application/octet-stream`.
   * @default the Blob's `type`, else 'application/octet-stream'
   */
  contentType?: string;
  /** Bytes sent so far, of the total: XMLHttpRequest's upload progress in browsers, socket writes in Node. */
  onProgress?: (progress: { loaded: number; total: number }) => void;
  /** Aborts the upload; the promise then rejects with the signal's reason (an `AbortError`). */
  signal?: AbortSignal;
}

export interface DownloadOptions {
  signal?: AbortSignal;
}

export interface DownloadedFile {
  bytes: Uint8Array;
  /** The name as uploaded (sanitized by the server). */
  name: string;
  contentType: string;
  size: number;
}

/** Attachments (docs/api.md, "Attachments"): upload before `messages.send` with its `fileId`, download by id. */
export interface ParleyFiles {
  /** `POST /files`: stores the bytes for a message to carry; a file not sent within 24 hours is removed. */
  upload(body: UploadBody, options: UploadOptions): Promise<Attachment>;
  /** `GET /files/<fileId>`: for its uploader and the participants of the conversation it was sent in. */
  download(fileId: string, options?: DownloadOptions): Promise<DownloadedFile>;
}

const decoder = new TextDecoder();

function refusal(response: TransportResponse): FileTransferError {
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(decoder.decode(response.body));
  } catch {
    // not JSON (a proxy's page)
  }
  const error =
    typeof parsed === 'object' && parsed !== null
      ? ((parsed as { error?: Record<string, unknown> }).error ?? {})
      : {};
  const retryAfter = Number(response.header('retry-after'));
  const limit =
    error.limit === 'file-size' || error.limit === 'storage-quota' ? error.limit : undefined;
  return new FileTransferError(
    typeof error.message === 'string' ? error.message : `The server answered ${response.status}.`,
    response.status,
    typeof error.code === 'string' ? error.code : null,
    {
      ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfter } : {}),
      ...(limit ? { limit } : {}),
      ...(typeof error.limitBytes === 'number' ? { limitBytes: error.limitBytes } : {}),
    },
  );
}

/** Inline or attachment; `filename*` (RFC 5987) first, else the quoted ASCII `filename`. */
export function fileNameOf(disposition: string | null): string | null {
  if (!disposition) return null;
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition)?.[1];
  if (extended) {
    try {
      return decodeURIComponent(extended.trim());
    } catch {
      // fall back to the plain name
    }
  }
  return /filename\s*=\s*"([^"]*)"/i.exec(disposition)?.[1] ?? null;
}

export function createParleyFiles(options: {
  baseUrl: string;
  session: AuthSession;
  transport?: Transport;
}): ParleyFiles {
  const transport = options.transport ?? defaultTransport;
  const { session } = options;

  /** With the current access token; after a 401, refreshes once and tries again. */
  const authorized = async (
    send: (token: string) => Promise<TransportResponse>,
  ): Promise<TransportResponse> => {
    const token = await session.accessToken();
    if (token === null) throw new FileTransferError('Sign in first.', 401, 'UNAUTHORIZED');
    const response = await send(token);
    if (response.status !== 401) return response;
    const fresh = (await session.rejected(token))?.accessToken ?? null;
    return fresh === null ? response : send(fresh);
  };

  const unreachable = (error: unknown): never => {
    if (error instanceof FileTransferError) throw error;
    if (error instanceof Error && error.name === 'AbortError') throw error;
    if (typeof DOMException !== 'undefined' && error instanceof DOMException) throw error;
    throw new FileTransferError(
      'Cannot reach the server. Check your connection and try again.',
      0,
      null,
    );
  };

  return {
    async upload(body, upload) {
      const contentType =
        upload.contentType ||
        (body instanceof Blob && body.type ? body.type : 'application/octet-stream');
      const url = `${options.baseUrl}/files?name=${encodeURIComponent(upload.name)}`;
      const response = await authorized((token) =>
        transport({
          method: 'POST',
          url,
          headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
          body,
          ...(upload.onProgress
            ? {
                onUploadProgress: (loaded: number, total: number) =>
                  upload.onProgress?.({ loaded, total }),
              }
            : {}),
          ...(upload.signal ? { signal: upload.signal } : {}),
        }),
      ).catch(unreachable);
      if (response.status !== 201) throw refusal(response);
      return JSON.parse(decoder.decode(response.body)) as Attachment;
    },

    async download(fileId, download = {}) {
      const url = `${options.baseUrl}/files/${encodeURIComponent(fileId)}`;
      const response = await authorized((token) =>
        transport({
          method: 'GET',
          url,
          headers: { authorization: `Bearer ${token}` },
          ...(download.signal ? { signal: download.signal } : {}),
        }),
      ).catch(unreachable);
      if (response.status !== 200) throw refusal(response);
      return {
        bytes: response.body,
        name: fileNameOf(response.header('content-disposition')) ?? fileId,
        contentType: response.header('content-type') ?? 'application/octet-stream',
        size: response.body.byteLength,
      };
    },
  };
}
