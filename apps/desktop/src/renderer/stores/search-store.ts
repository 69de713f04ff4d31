import type { SearchHit, UserSummary } from '@parley/protocol';
import type { ChatClient } from '../lib/chat-client';
import { createDebouncedQuery } from './debounced-query';

/** Results per page of message search ("Load more" asks for the next). */
export const SEARCH_PAGE = 30;

/** Message search (Ctrl+K): matches in the user's own conversations, newest first. */
export function createMessageSearchStore(client: ChatClient, delayMs = 250) {
  return createDebouncedQuery<SearchHit>(async (query, after) => {
    const page = await client.api.messages.search.query({
      query,
      limit: SEARCH_PAGE,
      ...(after ? { before: after } : {}),
    });
    return { results: page.results, next: page.nextBefore };
  }, delayMs);
}

/** People search for "new chat", as you type; never lists the user themselves. */
export function createUserSearchStore(
  client: ChatClient,
  selfId: () => string | null,
  delayMs = 200,
) {
  return createDebouncedQuery<UserSummary>(
    async (query) =>
      (await client.api.users.search.query({ query, limit: 20 })).filter(
        (user) => user.id !== selfId(),
      ),
    delayMs,
  );
}

export type MessageSearchStore = ReturnType<typeof createMessageSearchStore>;
export type UserSearchStore = ReturnType<typeof createUserSearchStore>;
