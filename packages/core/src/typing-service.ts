import type { Notifier } from '@parley/db';
import type { TypingEvent } from '@parley/protocol';
import type { ConversationService } from './conversation-service.js';
import type { SettingsService } from './settings-service.js';

/** Notifier topic of the user who is to see a typing change. */
const typingTopic = (viewerId: string) => `typing:${viewerId}`;

/** The notification: ids and a flag only, never text. */
const encode = (event: TypingEvent): string =>
  `${event.conversationId} ${event.userId} ${event.typing ? 1 : 0}`;

const decode = (message: string): TypingEvent | null => {
  const [conversationId, userId, flag] = message.split(' ');
  if (!conversationId || !userId || (flag !== '0' && flag !== '1')) return null;
  return { type: 'typing', conversationId, userId, typing: flag === '1' };
};

/**
 * `conversations.typing`: shown to the peer on `presence.changes`, never stored. Changes travel on
 * the store's notifier, so a peer connected to another process sees them too. The process that
 * took `typing: true` ends it after `expiryMs` without a renewal, or when the typist sends a message
 * in the conversation; the viewer's stream also ends it on its own after the expiry (plus a little),
 * in case the process that took it is gone.
 */
export class TypingService {
  /** Typists of this process: `${userId} ${conversationId}` → expiry timer and the peer. */
  private readonly active = new Map<string, { timer: NodeJS.Timeout; peerId: string }>();

  constructor(
    private readonly notifier: Notifier,
    private readonly conversations: ConversationService,
    private readonly settings: SettingsService,
    readonly expiryMs: number,
  ) {}

  async set(userId: string, conversationId: string, typing: boolean): Promise<void> {
    const peerId = await this.conversations.peerOf(userId, conversationId);
    const key = `${userId} ${conversationId}`;
    if (!typing) {
      // Said also when this process did not take the `true` (another one did): the viewer's
      // stream shows a change only.
      if (!this.stop(key, conversationId, userId)) {
        this.publish(peerId, { type: 'typing', conversationId, userId, typing: false });
      }
      return;
    }
    if (!(await this.settings.onForBoth(userId, peerId, 'typingIndicators'))) {
      this.stop(key, conversationId, userId);
      return;
    }
    const existing = this.active.get(key);
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => this.stop(key, conversationId, userId), this.expiryMs);
    timer.unref();
    this.active.set(key, { timer, peerId });
    this.publish(peerId, { type: 'typing', conversationId, userId, typing: true });
  }

  /** The typist sent a message in the conversation: they stopped typing. */
  messageSent(userId: string, conversationId: string): void {
    this.stop(`${userId} ${conversationId}`, conversationId, userId);
  }

  /** Typing changes for `viewerId`, from every process. */
  subscribe(viewerId: string, listener: (event: TypingEvent) => void): () => void {
    return this.notifier.subscribe(typingTopic(viewerId), (message) => {
      const event = decode(message);
      if (event) listener(event);
    });
  }

  close(): void {
    for (const { timer } of this.active.values()) clearTimeout(timer);
    this.active.clear();
  }

  /** Ends a typist of this process (false: there was none). */
  private stop(key: string, conversationId: string, userId: string): boolean {
    const existing = this.active.get(key);
    if (!existing) return false;
    clearTimeout(existing.timer);
    this.active.delete(key);
    this.publish(existing.peerId, { type: 'typing', conversationId, userId, typing: false });
    return true;
  }

  private publish(viewerId: string, event: TypingEvent): void {
    this.notifier.publish(typingTopic(viewerId), encode(event));
  }
}
