import { randomUUID } from 'node:crypto';
import type { Store } from './store.js';

/** For tests: two new users and their conversation, opened by `openedBy`. */
export async function twoUsersInAConversation(
  store: Store,
  openedBy: 'a' | 'b' = 'a',
): Promise<{ a: string; b: string; conversationId: string }> {
  const [a, b] = [randomUUID(), randomUUID()];
  for (const id of [a, b]) {
    await store.users.create({
      id,
      username: `u${id.slice(0, 8)}`,
      passwordHash: 'h',
      createdAt: 1,
    });
  }
  const { conversationId } = await store.conversations.open(
    { id: randomUUID(), userA: a, userB: b, createdAt: 1 },
    openedBy === 'a' ? a : b,
  );
  return { a, b, conversationId };
}
