/** Limits of the public contract (docs/api.md, "Rules" and "Limits"). Server and clients validate against the same numbers. */
export const limits = {
  usernameMinLength: 3,
  usernameMaxLength: 32,
  passwordMinLength: 8,
  passwordMaxLength: 128,
  messageMaxCodePoints: 5000,
  historyPageDefault: 50,
  historyPageMax: 100,
  searchPageDefault: 20,
  searchPageMax: 50,
  userSearchDefault: 20,
  userSearchMax: 50,
  ackBatchMax: 500,
  /** Code points of the original's body that a reply quotes. */
  replyExcerptCodePoints: 100,
  /** A client renews `typing: true` at most this often while composing. */
  typingRenewMs: 3000,
  /** The peer sees `typing: false` after this long without a renewal. */
  typingExpiryMs: 6000,
  /** Default of EDIT_WINDOW_SECONDS. */
  editWindowSecondsDefault: 86400,
  /** Default of MAX_FILE_BYTES. */
  maxFileBytesDefault: 10 * 1024 * 1024,
  /** Longest attachment file name kept (code points). */
  fileNameMaxCodePoints: 255,
  /** Earlier passwords a new password may not repeat (besides the current one). */
  passwordHistoryDepth: 5,
  /** Largest WebSocket frame or HTTP body the server accepts. */
  maxPayloadBytes: 64 * 1024,
} as const;

export const DELETED_USER_NAME = 'Deleted User';
