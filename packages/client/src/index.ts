export { createParleyClient, TOKEN_REJECTED_CLOSE_CODE } from './create-parley-client.js';
export type {
  ParleyClient,
  ParleyClientOptions,
  ParleyClientStats,
  SendOptions,
} from './parley-client.js';
export { TypingNotifier, type TypingNotifierOptions } from './typing-notifier.js';
export { compareMessageIds } from './message-order.js';
export type { ConnectionState } from './connection-tracker.js';
export type { CheckConnectionOptions, ConnectionCheck } from './connection-check.js';
export type {
  DownloadedFile,
  DownloadOptions,
  ParleyFiles,
  UploadBody,
  UploadOptions,
} from './parley-files.js';
export { FileTransferError } from './file-transfer-error.js';
export type { OutboxEntry, OutboxFile, OutgoingFile } from './outbox.js';
export type { EventListener, ReceivedEvent } from './event-listeners.js';
export type { ErrorHook, ListenerErrorContext } from './listener-errors.js';
export type { WebSocketConstructor, WebSocketLike } from './websocket.js';
export { memoryStorage, type KeyValueStorage } from './storage.js';
export { describeError, type ErrorDetails } from './describe-error.js';
export { backoffDelay, defaultBackoff, type BackoffOptions } from './backoff.js';
export { compareEventIds } from './event-ledger.js';
export type { AppRouter } from '@parley/api';
export { limits } from '@parley/protocol';
export type {
  Attachment,
  AuthResult,
  ChatEvent,
  Conversation,
  HistoryPage,
  Message,
  MessageStatus,
  Peer,
  PeerPresence,
  PresenceEvent,
  ReplyRef,
  Settings,
  TypingEvent,
  SearchHit,
  SearchPage,
  Session,
  User,
  UserSummary,
} from '@parley/protocol';
