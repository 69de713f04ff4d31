import type { Store } from '@parley/db';
import type { PresenceEvent } from '@parley/protocol';
import type { ConversationService } from './conversation-service.js';
import type { PresenceTracker } from './presence-tracker.js';
import type { TypingService } from './typing-service.js';
import { Waker } from './waker.js';

/**
 * A typing indicator the viewer still sees this long after its expiry, when no `false` came (the
 * process that took it is gone): the typist's process normally says `false` at the expiry itself.
 */
const TYPING_EXPIRY_GRACE_MS = 500;

/**
 * `presence.changes`: a snapshot of every peer, then each peer's transitions as they happen, and
 * their typing changes (shown once per change: a renewal is not a new event).
 */
export class PresenceStream {
  constructor(
    private readonly store: Store,
    private readonly presence: PresenceTracker,
    private readonly conversations: ConversationService,
    private readonly typing: TypingService,
  ) {}

  async *stream(userId: string, signal: AbortSignal): AsyncGenerator<PresenceEvent> {
    const waker = new Waker();
    const queue: PresenceEvent[] = [];
    const peers = new Set<string>();
    const push = (event: PresenceEvent) => {
      queue.push(event);
      waker.notify();
    };
    /** Typists shown as typing now: `${conversationId} ${userId}` → their viewer-side expiry. */
    const typists = new Map<string, NodeJS.Timeout>();
    const stopTyping = this.typing.subscribe(userId, (event) => {
      const key = `${event.conversationId} ${event.userId}`;
      const shown = typists.get(key);
      if (shown) clearTimeout(shown);
      if (!event.typing) {
        typists.delete(key);
        if (shown) push(event);
        return;
      }
      const expiry = setTimeout(() => {
        typists.delete(key);
        push({ ...event, typing: false });
      }, this.typing.expiryMs + TYPING_EXPIRY_GRACE_MS);
      expiry.unref();
      typists.set(key, expiry);
      if (!shown) push(event);
    });
    // Listen before reading the peers, so a change during the read is not missed.
    const stopChanges = this.presence.onChange((change) => {
      if (peers.has(change.userId)) push({ type: 'presence', ...change });
    });
    const stopPeers = this.conversations.onNewPeers((userA, userB) => {
      const peerId = userA === userId ? userB : userB === userId ? userA : null;
      if (peerId === null || peers.has(peerId)) return;
      peers.add(peerId);
      Promise.all([this.store.users.findById(peerId), this.presence.track([peerId])])
        .then(([peer]) =>
          push({ type: 'presence', ...this.presence.presenceOf(peerId, peer?.lastSeenAt ?? null) }),
        )
        .catch(() => undefined);
    });
    try {
      const records = (await this.store.users.peersOf(userId)).filter(
        (peer) => peer.deletedAt === null,
      );
      for (const record of records) peers.add(record.id);
      await this.presence.track(peers);
      yield {
        type: 'snapshot',
        peers: records.map((record) => this.presence.presenceOf(record.id, record.lastSeenAt)),
      };
      while (!signal.aborted) {
        while (queue.length > 0) yield queue.shift()!;
        await waker.wait(60_000, signal);
      }
    } finally {
      stopChanges();
      stopPeers();
      stopTyping();
      for (const expiry of typists.values()) clearTimeout(expiry);
      waker.dispose();
    }
  }
}
