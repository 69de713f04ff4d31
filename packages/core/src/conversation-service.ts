import { randomUUID } from 'node:crypto';
import type { ConversationRecord, Store } from '@parley/db';
import type { Conversation, Peer } from '@parley/protocol';
import { DomainError, forbidden } from './domain-error.js';
import type { LiveEventFeed } from './live-event-feed.js';
import type { Logger } from './logger.js';
import type { PresenceTracker } from './presence-tracker.js';
import type { SettingsService } from './settings-service.js';
import { toMessage, toPeer } from './to-message.js';

/** Conversations whose participants are remembered (they never change; conversations are never removed). */
const PARTICIPANTS_CACHE_SIZE = 100_000;

export class ConversationService {
  private readonly peerListeners = new Set<(userA: string, userB: string) => void>();
  /** conversationId → its two participants; oldest-inserted forgotten first past the size. */
  private readonly participantsCache = new Map<string, readonly [string, string]>();

  constructor(
    private readonly store: Store,
    private readonly feed: LiveEventFeed,
    private readonly presence: PresenceTracker,
    private readonly log: Logger,
    private readonly settings: SettingsService,
  ) {}

  /** Call `presence.track()` on the peer first. */
  toConversation(record: ConversationRecord): Conversation {
    return {
      id: record.id,
      createdAt: record.createdAt,
      peer: toPeer(record.peer, this.presence.isOnline(record.peer.id)),
      lastMessage: record.lastMessage ? toMessage(record.lastMessage) : null,
      unreadCount: record.unreadCount,
    };
  }

  async open(callerId: string, peerId: string): Promise<Conversation> {
    if (peerId === callerId) {
      throw new DomainError('BAD_REQUEST', 'You cannot start a conversation with yourself.', {
        fieldErrors: { userId: ['You cannot start a conversation with yourself.'] },
      });
    }
    const peer = await this.store.users.findById(peerId);
    if (!peer || peer.deletedAt !== null) throw new DomainError('NOT_FOUND', 'No such user.');
    const opened = await this.store.conversations.open(
      { id: randomUUID(), userA: callerId, userB: peerId, createdAt: Date.now() },
      peerId,
    );
    if (opened.created) {
      this.log.info(
        { event: 'conversation-opened', conversationId: opened.conversationId },
        'conversation opened',
      );
      this.feed.publish(opened.appended);
      for (const listener of this.peerListeners) listener(callerId, peerId);
    }
    return this.get(callerId, opened.conversationId);
  }

  async list(callerId: string): Promise<Conversation[]> {
    const records = await this.store.conversations.listFor(callerId);
    await this.presence.track(records.map((record) => record.peer.id));
    return records.map((record) => this.toConversation(record));
  }

  async get(callerId: string, conversationId: string): Promise<Conversation> {
    const record = await this.store.conversations.getFor(callerId, conversationId);
    if (!record) throw forbidden();
    await this.presence.track([record.peer.id]);
    return this.toConversation(record);
  }

  /** The other participant, or FORBIDDEN when the caller is not one (unknown ids too). */
  async peerOf(callerId: string, conversationId: string): Promise<string> {
    const participants = await this.participants(conversationId);
    if (!participants || !participants.includes(callerId)) throw forbidden();
    return participants[0] === callerId ? participants[1] : participants[0];
  }

  /** Read once per conversation: every send, history page and typing call asks. */
  private async participants(conversationId: string): Promise<readonly [string, string] | null> {
    const known = this.participantsCache.get(conversationId);
    if (known) return known;
    const participants = await this.store.conversations.participants(conversationId);
    if (participants) {
      if (this.participantsCache.size >= PARTICIPANTS_CACHE_SIZE) {
        const oldest = this.participantsCache.keys().next();
        if (!oldest.done) this.participantsCache.delete(oldest.value);
      }
      this.participantsCache.set(conversationId, participants);
    }
    return participants;
  }

  /** The other participant as the caller sees them, without the conversation's counts. */
  async peer(callerId: string, conversationId: string): Promise<Peer> {
    const peerId = await this.peerOf(callerId, conversationId);
    const user = await this.store.users.findById(peerId);
    if (!user) throw forbidden();
    await this.presence.track([user.id]);
    return toPeer(
      {
        id: user.id,
        username: user.username,
        deleted: user.deletedAt !== null,
        lastSeenAt: user.lastSeenAt,
      },
      this.presence.isOnline(user.id),
    );
  }

  /**
   * Moves the caller's read marker; with read receipts on for both people, the peer's messages up
   * to it also turn `read` and the peer gets a `read` event.
   */
  async markRead(callerId: string, conversationId: string, upToMessageId: string): Promise<number> {
    const peerId = await this.peerOf(callerId, conversationId);
    const unread = await this.store.conversations.markRead(callerId, conversationId, upToMessageId);
    if (await this.settings.onForBoth(callerId, peerId, 'readReceipts')) {
      const receipt = await this.store.messages.markRead(
        callerId,
        conversationId,
        upToMessageId,
        Date.now(),
      );
      this.feed.publish(receipt.appended);
    }
    return unread;
  }

  /** Called when two users first share a conversation (their presence streams gain a peer). */
  onNewPeers(listener: (userA: string, userB: string) => void): () => void {
    this.peerListeners.add(listener);
    return () => this.peerListeners.delete(listener);
  }
}
