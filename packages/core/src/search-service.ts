import type { Store } from '@parley/db';
import type { Peer, SearchPage } from '@parley/protocol';
import type { ConversationService } from './conversation-service.js';
import { searchWords } from './search-words.js';
import { toMessage } from './to-message.js';

export class SearchService {
  constructor(
    private readonly store: Store,
    private readonly conversations: ConversationService,
  ) {}

  /** Words in the caller's own conversations (optionally one), newest first, keyset paginated. */
  async search(
    callerId: string,
    query: string,
    conversationId: string | null,
    before: string | null,
    limit: number,
  ): Promise<SearchPage> {
    if (conversationId !== null) await this.conversations.peerOf(callerId, conversationId);
    const words = searchWords(query);
    if (words.length === 0) return { results: [], nextBefore: null };
    const hits = await this.store.messages.search({
      ownerId: callerId,
      words,
      conversationId,
      before,
      limit: limit + 1,
    });
    const page = hits.slice(0, limit);
    const peers = new Map<string, Peer>();
    for (const hit of page) {
      const id = hit.message.conversationId;
      if (!peers.has(id)) peers.set(id, await this.conversations.peer(callerId, id));
    }
    return {
      results: page.map((hit) => ({
        message: toMessage(hit.message),
        conversation: {
          id: hit.message.conversationId,
          peer: peers.get(hit.message.conversationId)!,
        },
        snippet: hit.snippet,
        highlights: hit.highlights,
      })),
      nextBefore: hits.length > limit ? (page[page.length - 1]?.message.id ?? null) : null,
    };
  }
}
