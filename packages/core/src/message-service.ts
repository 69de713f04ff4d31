import { isStorageFull, type Store } from '@parley/db';
import type { HistoryPage, Message } from '@parley/protocol';
import type { ConversationService } from './conversation-service.js';
import type { DeliveryTelemetry } from './delivery-telemetry.js';
import { DomainError, outOfStorage } from './domain-error.js';
import type { LiveEventFeed } from './live-event-feed.js';
import type { Logger } from './logger.js';
import type { StorageFailureLog } from './storage-failure-log.js';
import type { StreamConnection } from './stream-connection.js';
import { toMessage } from './to-message.js';

export class MessageService {
  constructor(
    private readonly store: Store,
    private readonly feed: LiveEventFeed,
    private readonly conversations: ConversationService,
    private readonly telemetry: DeliveryTelemetry,
    private readonly log: Logger,
    private readonly storageFailures: StorageFailureLog,
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
  ): Promise<Message> {
    const recipientId = await this.conversations.peerOf(senderId, conversationId);
    const [sender, recipient] = await Promise.all([
      this.store.users.findById(senderId),
      this.store.users.findById(recipientId),
    ]);
    if (!sender) throw new DomainError('UNAUTHORIZED', 'Please log in again.');
    if (!recipient || recipient.deletedAt !== null) {
      throw new DomainError(
        'NOT_FOUND',
        'This person deleted their account: messages can no longer reach them.',
      );
    }
    const result = await this.store.messages
      .send({
        conversationId,
        clientId,
        senderId,
        senderName: sender.username,
        recipientId,
        body,
        createdAt: Date.now(),
        status: 'pending',
      })
      .catch((error: unknown) => {
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
    return toMessage(result.message);
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
