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
  /** Largest WebSocket frame or HTTP body the server accepts. */
  maxPayloadBytes: 64 * 1024,
} as const;

export const DELETED_USER_NAME = 'Deleted User';
