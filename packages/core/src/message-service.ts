import {
  FileNotAttachableError,
  isStorageFull,
  RecipientDeletedError,
  SenderUnknownError,
  type Store,
} from '@parley/db';
import type { HistoryPage, Message } from '@parley/protocol';
import type { ConversationService } from './conversation-service.js';
import type { DeliveryTelemetry } from './delivery-telemetry.js';
import { DomainError, outOfStorage } from './domain-error.js';
import type { LiveEventFeed } from './live-event-feed.js';
import type { Logger } from './logger.js';
import type { StorageFailureLog } from './storage-failure-log.js';
import type { StreamConnection } from './stream-connection.js';
import { toMessage } from './to-message.js';
import type { TypingService } from './typing-service.js';

/** Optional parts of a send (docs/api.md, Release 2). */
export type SendOptions = {
  /** A message of the same conversation that this one answers. */
  replyToId?: string | null;
  /** An upload of the sender's to attach. */
  fileId?: string | null;
};

const notYourMessage = (action: 'edit' | 'delete') =>
  new DomainError('FORBIDDEN', `You can only ${action} messages you sent.`);

export class MessageService {
  constructor(
    private readonly store: Store,
    private readonly feed: LiveEventFeed,
    private readonly conversations: ConversationService,
    private readonly telemetry: DeliveryTelemetry,
    private readonly log: Logger,
    private readonly storageFailures: StorageFailureLog,
    private readonly typing: TypingService,
    /** How long after sending a message may be edited (ms). */
    private readonly editWindowMs: number,
  ) {}

  /**
   * Stores the message and appends its events in one transaction before answering, so what the
   * server acknowledged is durable. Idempotent on (conversation, clientId). `origin`, the
   * connection the send came over, does not get the message back on its own live stream: the
   * answer already carries it (its other sessions and connections do get it).
   */
  async send(
    senderId: string,
    conversationId: string,
    clientId: string,
    body: string,
    origin: StreamConnection | null = null,
    options: SendOptions = {},
  ): Promise<Message> {
    const recipientId = await this.conversations.peerOf(senderId, conversationId);
    const replyToId = options.replyToId ?? null;
    if (replyToId !== null) {
      const [original] = await this.store.messages.byIds([replyToId]);
      if (!original || original.conversationId !== conversationId) {
        throw new DomainError(
          'BAD_REQUEST',
          'You can only reply to a message of this conversation.',
          {
            fieldErrors: { replyToId: ['Not a message of this conversation.'] },
          },
        );
      }
    }
    const result = await this.store.messages
      .send({
        conversationId,
        clientId,
        senderId,
        recipientId,
        body,
        createdAt: Date.now(),
        status: 'pending',
        replyToId,
        fileId: options.fileId ?? null,
      })
      .catch((error: unknown) => {
        if (error instanceof SenderUnknownError) {
          throw new DomainError('UNAUTHORIZED', 'Please log in again.');
        }
        if (error instanceof RecipientDeletedError) {
          throw new DomainError(
            'NOT_FOUND',
            'This person deleted their account: messages can no longer reach them.',
          );
        }
        if (error instanceof FileNotAttachableError) {
          throw new DomainError(
            'BAD_REQUEST',
            'That file cannot be attached: it is not an upload of yours that is still unsent.',
            { fieldErrors: { fileId: ['Not an unsent upload of yours.'] } },
          );
        }
        if (!isStorageFull(error)) throw error;
        this.storageFailures.report(error, { operation: 'messages.send', conversationId });
        throw outOfStorage(
          'The server is out of storage space; your message was not sent. Try again later.',
        );
      });
    if (result.created) {
      this.telemetry.messageStored();
      // One info line per message, when it is delivered (or fails); the steps before are debug.
      this.log.debug(
        {
          event: 'delivery',
          transition: 'pending',
          messageId: result.message.id,
          conversationId,
          retries: 0,
        },
        'message stored',
      );
      this.feed.publish(result.appended, origin);
    }
    this.typing.messageSent(senderId, conversationId);
    return toMessage(result.message);
  }

  /**
   * Only the sender, within the edit window, and not once deleted. Both participants' sessions
   * (the sender's other ones too) get `message-updated`.
   */
  async edit(
    callerId: string,
    messageId: string,
    body: string,
    origin: StreamConnection | null = null,
  ): Promise<Message> {
    const [message] = await this.store.messages.byIds([messageId]);
    if (!message || message.senderId !== callerId) throw notYourMessage('edit');
    if (message.deletedAt !== null) throw deletedMessage();
    const now = Date.now();
    if (now - message.createdAt > this.editWindowMs) {
      throw new DomainError('FORBIDDEN', 'This message is too old to be edited.');
    }
    const change = await this.store.messages.edit({ messageId, senderId: callerId, body, at: now });
    // Deleted between the read and the update.
    if (!change) throw deletedMessage();
    this.log.info(
      { event: 'message-edited', messageId, conversationId: message.conversationId },
      'message edited',
    );
    this.feed.publish(change.appended, origin);
    return toMessage(change.message);
  }

  /**
   * Delete for everyone: only the sender, at any time; the text is erased from the storage and the
   * message stays as a tombstone. Deleting again changes nothing.
   */
  async delete(
    callerId: string,
    messageId: string,
    origin: StreamConnection | null = null,
  ): Promise<void> {
    const [message] = await this.store.messages.byIds([messageId]);
    if (!message || message.senderId !== callerId) throw notYourMessage('delete');
    // The record still names a file whose removal failed after an earlier delete: finish it now.
    const removeFile = async () => {
      if (message.attachment !== null) await this.store.files.removeForMessage(messageId);
    };
    if (message.deletedAt !== null) return removeFile();
    const change = await this.store.messages.delete({
      messageId,
      senderId: callerId,
      at: Date.now(),
    });
    if (!change) return removeFile(); // deleted meanwhile by another of the sender's sessions
    this.log.info(
      { event: 'message-deleted', messageId, conversationId: message.conversationId },
      'message deleted for everyone',
    );
    this.feed.publish(change.appended, origin);
    // After the delete committed (on SQLite this unlinks the blob, which no transaction could
    // undo). Should it fail, the caller gets the error and deleting again removes the file.
    await removeFile();
  }

  async history(
    callerId: string,
    conversationId: string,
    before: string | null,
    limit: number,
  ): Promise<HistoryPage> {
    await this.conversations.peerOf(callerId, conversationId);
    // One extra row tells whether an older page exists.
    const rows = await this.store.messages.history(conversationId, before, limit + 1);
    const hasMore = rows.length > limit;
    const page = hasMore ? rows.slice(1) : rows;
    return { messages: page.map(toMessage), nextBefore: hasMore ? (page[0]?.id ?? null) : null };
  }

  /** The recipient acknowledges: delivered, and the sender learns it through their event log. */
  async ack(recipientId: string, messageIds: string[]): Promise<string[]> {
    const now = Date.now();
    const { changed, delivered } = await this.store.messages.markDelivered(
      recipientId,
      messageIds,
      now,
    );
    for (const change of changed) {
      const latencyMs = now - change.message.createdAt;
      this.telemetry.messageDelivered(latencyMs);
      this.log.info(
        {
          event: 'delivery',
          transition: 'delivered',
          messageId: change.message.id,
          conversationId: change.message.conversationId,
          latencyMs,
        },
        'message delivered',
      );
      this.feed.publish(change.appended);
    }
    return delivered;
  }
}

const deletedMessage = () =>
  new DomainError('BAD_REQUEST', 'This message was deleted; it cannot be edited.', {
    fieldErrors: { messageId: ['This message was deleted.'] },
  });
