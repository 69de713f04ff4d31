import type { User } from '@parley/protocol';
import { onCleanup } from 'solid-js';
import { createStore } from 'solid-js/store';
import type { ChatClient } from '../lib/chat-client';

export interface SessionState {
  /** `restoring` while a stored session is being resumed at start-up. */
  phase: 'restoring' | 'ready';
  user: User | null;
}

/** Who is signed in. Follows the client's auth changes (a revoked session signs out here too). */
export function createSessionStore(client: ChatClient) {
  const [state, setState] = createStore<SessionState>({ phase: 'restoring', user: client.user() });
  onCleanup(client.onAuthChange((user) => setState('user', user)));

  return {
    state,
    async restore(): Promise<void> {
      try {
        const user = await client.restore();
        setState('user', user);
      } catch {
        setState('user', null);
      } finally {
        setState('phase', 'ready');
      }
    },
    async login(username: string, password: string): Promise<User> {
      const user = await client.login(username, password);
      setState('user', user);
      return user;
    },
    async register(username: string, password: string): Promise<User> {
      const user = await client.register(username, password);
      setState('user', user);
      return user;
    },
    async logout(): Promise<void> {
      try {
        await client.logout();
      } finally {
        setState('user', null);
      }
    },
    async deleteAccount(password: string): Promise<void> {
      await client.deleteAccount(password);
      setState('user', null);
    },
  };
}

export type SessionStore = ReturnType<typeof createSessionStore>;
