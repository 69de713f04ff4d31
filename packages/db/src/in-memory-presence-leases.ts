import type { PresenceLeases } from './store.js';

/**
 * Leases kept in memory: enough when one server process owns the database (SQLite), since the
 * leases then die with the only process that could read them.
 */
export class InMemoryPresenceLeases implements PresenceLeases {
  /** userId → processId → expiresAt */
  private readonly leases = new Map<string, Map<string, number>>();

  async hold(processId: string, userIds: string[], expiresAt: number): Promise<void> {
    for (const userId of userIds) {
      const holders = this.leases.get(userId) ?? new Map<string, number>();
      holders.set(processId, expiresAt);
      this.leases.set(userId, holders);
    }
    return Promise.resolve();
  }

  async release(processId: string, userIds: string[]): Promise<void> {
    for (const userId of userIds) {
      const holders = this.leases.get(userId);
      holders?.delete(processId);
      if (holders?.size === 0) this.leases.delete(userId);
    }
    return Promise.resolve();
  }

  async onlineAmong(userIds: string[], now: number): Promise<Set<string>> {
    const online = new Set<string>();
    for (const userId of userIds) {
      for (const expiresAt of this.leases.get(userId)?.values() ?? []) {
        if (expiresAt > now) {
          online.add(userId);
          break;
        }
      }
    }
    return Promise.resolve(online);
  }

  async sweepExpired(now: number): Promise<string[]> {
    const swept: string[] = [];
    for (const [userId, holders] of this.leases) {
      let removed = false;
      for (const [processId, expiresAt] of holders) {
        if (expiresAt <= now) {
          holders.delete(processId);
          removed = true;
        }
      }
      if (holders.size === 0) this.leases.delete(userId);
      if (removed) swept.push(userId);
    }
    return Promise.resolve(swept);
  }
}
