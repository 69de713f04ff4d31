import type { Store } from '@parley/db';
import type { UserSummary } from '@parley/protocol';
import type { PresenceTracker } from './presence-tracker.js';

export class UserService {
  constructor(
    private readonly store: Store,
    private readonly presence: PresenceTracker,
  ) {}

  /** Case-insensitive username prefix match, without the caller and deleted accounts. */
  async search(callerId: string, query: string, limit: number): Promise<UserSummary[]> {
    const prefix = query.trim();
    if (prefix.length === 0) return [];
    const users = await this.store.users.searchByPrefix(prefix, callerId, limit);
    await this.presence.track(users.map((user) => user.id));
    return users.map((user) => ({
      id: user.id,
      username: user.username,
      online: this.presence.isOnline(user.id),
    }));
  }
}
