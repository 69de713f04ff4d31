/** An upload or download the server refused (or that never got an answer: `status` 0, `code` null). */
export class FileTransferError extends Error {
  constructor(
    message: string,
    /** The HTTP status, or 0 when the server was not reached. */
    readonly status: number,
    /** `UNAUTHORIZED`, `NOT_FOUND`, `PAYLOAD_TOO_LARGE`, `TOO_MANY_REQUESTS`, …; null without an answer. */
    readonly code: string | null,
    readonly details: {
      /** For `TOO_MANY_REQUESTS`: seconds to wait. */
      retryAfter?: number;
      /** For `PAYLOAD_TOO_LARGE`: which limit refused the upload, and its size in bytes. */
      limit?: 'file-size' | 'storage-quota';
      limitBytes?: number;
    } = {},
  ) {
    super(message);
    this.name = 'FileTransferError';
  }
}
